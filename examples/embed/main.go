// Command embed serves reportsh reports over HTTP: it compiles the reports
// once at start-up and runs them per request, with the query's parameters,
// in the format the request asks for.
//
//	go run ./examples/embed                  # the embedded reports and data
//	go run ./examples/embed -dir examples    # the .rpt files of a directory
//
// Then GET /reports lists the reports and GET /reports/NAME?PARAM=VALUE runs
// one (see README.md).
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/reportsh/reportsh/interp"
)

// embedded holds the reports served by default and the sample of the sales
// data they read.
//
//go:embed *.rpt data/*.csv
var embedded embed.FS

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := flag.String("dir", "", "serve the .rpt files of this `directory` (and only its files) instead of the embedded ones")
	timeout := flag.Duration("timeout", DefaultTimeout, "the longest a report may run")
	flag.Parse()

	cfg := config{FS: embedded, Timeout: *timeout, Log: slog.Default()}
	if *dir != "" {
		// Not os.DirFS, which follows symbolic links out of the directory.
		d, err := interp.OpenDir(*dir)
		if err != nil {
			slog.Error("opening the directory", "err", err)
			os.Exit(1)
		}
		defer d.Close()
		cfg.FS = d
	}
	h, err := newHandler(cfg)
	if err != nil {
		slog.Error("loading the reports", "err", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	slog.Info("serving reports", "addr", "http://"+*addr+"/reports")
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		slog.Error("serving", "err", err)
		os.Exit(1)
	}
}
