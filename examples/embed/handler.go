package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/reportsh/reportsh/interp"
)

// DefaultTimeout is the default of config.Timeout.
const DefaultTimeout = 10 * time.Second

// DefaultMaxOutput is the default of config.MaxOutput.
const DefaultMaxOutput = 8 << 20

// config configures the report server. Only FS is required; every other
// field has a working zero value.
type config struct {
	// FS holds the reports (the *.rpt files at its root) and the data they
	// read. The reports can read no other file. For a directory, use an
	// interp.Dir (interp.OpenDir): it keeps symbolic links from leading
	// out of the directory, and opens SQLite databases in place instead
	// of copying them for every run.
	FS fs.FS
	// Timeout bounds each run (0: DefaultTimeout).
	Timeout time.Duration
	// MaxOutput is the largest report served, in bytes (0:
	// DefaultMaxOutput). A report is rendered into memory before it is sent,
	// so that a failure half-way can still be answered with an error status.
	MaxOutput int
	// Functions are extra functions the reports may call (see
	// interp.Options.Functions).
	Functions map[string]any
	// Log receives a line for every run that failed with a server error;
	// nil discards them.
	Log *slog.Logger
}

// handler serves the reports of a config over HTTP:
//
//	GET /reports          the reports, their titles and parameters, as JSON
//	GET /reports/{name}   one report, run with the query's parameters
type handler struct {
	cfg     config
	reports *catalog
	mux     *http.ServeMux
}

// newHandler compiles the reports of cfg.FS and returns the handler that
// serves them. A report that does not compile is an error: it is better to
// fail at start-up than on the first request.
func newHandler(cfg config) (*handler, error) {
	if cfg.FS == nil {
		return nil, errors.New("config.FS is nil")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxOutput <= 0 {
		cfg.MaxOutput = DefaultMaxOutput
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	reports, err := loadCatalog(cfg)
	if err != nil {
		return nil, err
	}
	h := &handler{cfg: cfg, reports: reports, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /reports", h.list)
	h.mux.HandleFunc("GET /reports/{name}", h.run)
	return h, nil
}

// ServeHTTP implements [http.Handler].
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// list writes the reports as a JSON array.
func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	body, err := json.MarshalIndent(h.reports.infos(), "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(body, '\n'))
}

// run runs one report with the request's query parameters and writes it
// in the format the request asks for.
func (h *handler) run(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.reports.get(r.PathValue("name"))
	if !ok {
		http.Error(w, fmt.Sprintf("no report %q (GET /reports lists them)", r.PathValue("name")), http.StatusNotFound)
		return
	}
	w.Header().Set("Vary", "Accept")
	format, status, err := negotiate(r)
	if err != nil {
		http.Error(w, err.Error(), status)
		return
	}
	params, err := rep.params(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}

	out := &cappedBuffer{max: h.cfg.MaxOutput}
	_, err = rep.prog.Run(r.Context(), &interp.RunConfig{
		Params:  params,
		Output:  out,
		Format:  interp.Format(format.name),
		Timeout: h.cfg.Timeout,
	})
	if err != nil {
		status, msg := h.runError(err)
		if status >= 500 {
			h.cfg.Log.Error("report failed", "report", rep.info.Name, "query", r.URL.RawQuery, "status", status, "err", err)
		}
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", format.mediaType)
	w.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	out.WriteTo(w)
}

// runError maps an error from Program.Run to an HTTP status and the
// message the client sees.
func (h *handler) runError(err error) (status int, msg string) {
	var pe *interp.ParamError
	switch {
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, fmt.Sprintf("the report did not finish within %s", h.cfg.Timeout)
	case errors.Is(err, context.Canceled):
		// The client went away (or the server is shutting down): nobody
		// reads this answer, but the status says what happened.
		return http.StatusServiceUnavailable, "request cancelled"
	default:
		// Data, evaluation, limit and output errors: the message names the
		// file, line, expression or limit, which is what an operator needs.
		return http.StatusInternalServerError, err.Error()
	}
}

// cappedBuffer is a bytes.Buffer that refuses to grow past max bytes.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

// Write implements [io.Writer].
func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, fmt.Errorf("the report is larger than %d bytes", b.max)
	}
	return b.Buffer.Write(p)
}
