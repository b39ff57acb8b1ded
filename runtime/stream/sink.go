package stream

import "context"

// sinkDriver is where demand starts: it grants its upstream MaxDemand
// records, hands every batch to the sink, and grants again only as the
// sink returns, so a slow sink slows the whole chain.
type sinkDriver[T any] struct {
	r         *run[T]
	in        *link[T]
	rejected  int64 // from SinkStatus, last seen
	limitHits int
}

func (k *sinkDriver[T]) run(ctx context.Context) error {
	e := k.r.e
	k.in.demand.grant(int64(k.r.cfg.MaxDemand))
	for {
		select {
		case b, ok := <-k.in.ch:
			if !ok {
				if k.r.p.SinkEnd != nil {
					err := protect("sink", true, func() error { return k.r.p.SinkEnd(ctx) })
					if err != nil {
						if _, isPanic := err.(*PanicError); !isPanic {
							err = &SinkError{Err: err}
						}
						return err
					}
					if k.r.p.SinkStatus != nil {
						k.status(k.r.p.SinkStatus())
					}
				}
				k.r.sinkDone.Store(true)
				return nil
			}
			if b.err != nil {
				return b.err // upstream's, after every record before it
			}
			err := protect("sink", true, func() error { return k.r.p.Sink(ctx, b.recs) })
			if err != nil {
				if _, isPanic := err.(*PanicError); !isPanic {
					err = &SinkError{Err: err}
				}
				return err
			}
			if k.r.p.SinkStatus != nil {
				k.status(k.r.p.SinkStatus())
			}
			n := int64(len(b.recs))
			if !k.r.cfg.Summarizing {
				e.out.Add(n)
			}
			e.inflight.Add(-n)
			e.progress()
			k.in.demand.grant(n)
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// status takes in what an aggregating sink reports after a batch.
func (k *sinkDriver[T]) status(st AggregateStatus) {
	e := k.r.e
	e.setHeld(heldStage(len(k.r.p.Stages)), "sink", st.Held)
	if d := st.Rejected - k.rejected; d > 0 {
		e.rejected.Add(d)
	}
	k.rejected = st.Rejected
	for ; k.limitHits < st.GroupLimitHits; k.limitHits++ {
		e.emit(GroupLimitReached{EventInfo: e.info(), Stage: "sink", Limit: st.GroupLimit, Rejected: st.Rejected})
	}
}
