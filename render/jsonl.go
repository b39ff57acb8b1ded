package render

// jsonlRenderer writes one JSON object per line as events arrive:
//
//	{"band":"report","title":…,"params":{…}}
//	{"band":"header","level":0,"group":"territory","keys":{"territory":"North"},"text":"Territory North"}
//	{"band":"footer","level":1,"group":"customer","keys":{…},"values":{…}}
//	{"band":"summary","values":{…}}
//	{"band":"totals","records_read":…,…}
//
// A report that stops early ends with {"band":"incomplete","reason":…}
// instead of the totals.
// Report-level bands have no level, group or keys.
type jsonlRenderer struct {
	*base
}

func (r *jsonlRenderer) Begin(m *Meta) error {
	if err := r.begin(m); err != nil {
		return err
	}
	var o jsonObject
	o.value("band", "report")
	o.value("title", m.Title)
	o.raw("params", paramsJSON(m.Params))
	return r.line(o.bytes())
}

func (r *jsonlRenderer) Emit(e *Event) error {
	bi, err := r.emit(e)
	if err != nil {
		return err
	}
	b := e.Band
	var o jsonObject
	o.value("band", b.Kind.String())
	if b.Level >= 0 {
		o.value("level", int64(b.Level))
		o.value("group", b.Group)
		var keys jsonObject
		for i := 0; i <= b.Level; i++ {
			keys.value(keyName(b, i), e.key(i))
		}
		o.raw("keys", keys.bytes())
	}
	if b.Template {
		o.value("text", e.Text)
	} else {
		o.raw("values", bandValues(bi, e))
	}
	return r.line(o.bytes())
}

func (r *jsonlRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	if t == nil {
		return r.w.err
	}
	var o jsonObject
	if t.Incomplete != "" {
		o.value("band", "incomplete")
		o.value("reason", t.Incomplete)
		return r.line(o.bytes())
	}
	o.value("band", "totals")
	totalsJSON(&o, t, r.opts.Elapsed)
	return r.line(o.bytes())
}

func (r *jsonlRenderer) line(js []byte) error { return r.write(append(js, '\n')) }
