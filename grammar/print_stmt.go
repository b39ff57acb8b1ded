package grammar

import "github.com/alecthomas/participle/v2/lexer"

// stmt prints a top-level statement; p.item has been called.
func (p *printer) stmt(s *Stmt) {
	const indent = 0
	switch {
	case s.Report != nil:
		p.token(s.Pos, "report", false, indent)
		p.str(&s.Report.Title, indent+2)
	case s.Param != nil:
		d := s.Param
		p.token(s.Pos, "param", false, indent)
		p.ident(&d.Name, true, indent+2)
		p.token(noPos, ":", false, indent+2)
		p.ident(&d.Type, true, indent+2)
		if d.Default != nil {
			p.token(noPos, "=", true, indent+2)
			p.verbatim(d.Default, true, indent+2)
		}
	case s.Source != nil:
		p.token(s.Pos, "source", false, indent)
		p.source(s.Source, indent)
	case s.Lookup != nil:
		l := s.Lookup
		p.token(s.Pos, "lookup", false, indent)
		p.ident(&l.Name, true, indent+2)
		p.token(noPos, "=", true, indent+2)
		p.call(l.Call, indent)
		p.token(noPos, "on", true, indent+2)
		p.expr(l.Left, true, indent+2, indent)
		p.token(noPos, "==", true, indent+2)
		p.ident(&l.Right, true, indent+2)
	case s.OnError != nil:
		p.token(s.Pos, "on_error", false, indent)
		p.ident(&s.OnError.Mode, true, indent+2)
	case s.MaxGroups != nil:
		p.token(s.Pos, "max_groups", false, indent)
		p.intLit(&s.MaxGroups.Limit, indent+2)
	case s.Where != nil:
		p.token(s.Pos, "where", false, indent)
		p.expr(s.Where.Cond, true, indent+2, indent)
	case s.Let != nil:
		p.token(s.Pos, "let", false, indent)
		p.ident(&s.Let.Name, true, indent+2)
		p.token(noPos, "=", true, indent+2)
		p.expr(s.Let.Value, true, indent+2, indent)
	case s.Group != nil:
		p.group(s.Group, indent)
	case s.Detail != nil:
		p.band(s.Pos, "detail", s.Detail, indent)
	case s.Summary != nil:
		p.band(s.Pos, "summary", s.Summary, indent)
	case s.Header != nil:
		p.band(s.Pos, "header", s.Header, indent)
	case s.Footer != nil:
		p.band(s.Pos, "footer", s.Footer, indent)
	case s.PageHeader != nil:
		p.token(s.Pos, "page_header", false, indent)
		p.token(s.PageHeader.Pos, requote(s.PageHeader.Raw), true, indent+2)
	case s.PageFooter != nil:
		p.token(s.Pos, "page_footer", false, indent)
		p.token(s.PageFooter.Pos, requote(s.PageFooter.Raw), true, indent+2)
	}
}

func (p *printer) ident(id *Ident, sep bool, indent int) {
	p.token(id.Pos, id.Name, sep, indent)
}

// intLit writes an integer as it is written in the source (1_000, 0x10).
func (p *printer) intLit(n *IntLit, indent int) {
	p.token(n.Pos, p.toks[p.tokIndex(n.Pos.Offset)].Value, true, indent)
}

func (p *printer) str(s *StringLit, indent int) {
	p.token(s.Pos, requote(s.Raw), true, indent)
}

// source writes what follows the keyword of a source statement.
func (p *printer) source(s *Source, indent int) {
	p.call(s.Call, indent)
	if s.Schema != nil {
		paren := p.matching(p.tokIndex(s.Call.Name.Pos.Offset) + 1)
		open := p.next(p.toks[paren].Pos.Offset+1, "{")
		p.list(open, p.matching(open), true, indent, len(s.Schema),
			func(i int) lexer.Position { return s.Schema[i].Pos },
			func(i int, sep bool, indent int) {
				ft := s.Schema[i]
				p.ident(&ft.Name, sep, indent)
				p.token(noPos, ":", false, indent+2)
				p.ident(&ft.Type, true, indent+2)
			})
	}
	if s.SortedBy != nil {
		p.token(noPos, "sorted", true, indent+2)
		p.token(noPos, "by", true, indent+2)
		for i := range s.SortedBy {
			if i > 0 {
				p.token(noPos, ",", false, indent+2)
			}
			p.ident(&s.SortedBy[i], true, indent+2)
		}
	}
}

// call writes a source call, such as csv("a.csv", delimiter: ";").
func (p *printer) call(c *Call, indent int) {
	p.ident(&c.Name, true, indent+2)
	open := p.tokIndex(c.Name.Pos.Offset) + 1
	p.list(open, p.matching(open), false, indent, len(c.Args),
		func(i int) lexer.Position { return c.Args[i].Pos },
		func(i int, sep bool, indent int) {
			a := c.Args[i]
			first := indent
			if a.Name != nil {
				p.ident(a.Name, sep, indent)
				p.token(noPos, ":", false, indent+2)
				sep, first = true, indent+2
			}
			v := &a.Value
			text := v.Raw
			if v.Str != nil {
				text = requote(v.Raw)
			}
			p.token(v.Pos, text, sep, first)
		})
}

// group writes a group with its clauses and its body.
func (p *printer) group(g *Group, indent int) {
	p.token(g.Pos, "group", false, indent)
	p.expr(g.Key, true, indent+2, indent)
	end := g.Key.EndPos.Offset
	if g.As != nil {
		p.token(noPos, "as", true, indent+2)
		p.ident(g.As, true, indent+2)
		end = g.As.Pos.Offset + 1
	}
	if g.MaxGroups != nil {
		p.token(noPos, "max_groups", true, indent+2)
		p.intLit(g.MaxGroups, indent+2)
		end = g.MaxGroups.Pos.Offset + 1
	}
	if g.Having != nil {
		p.token(noPos, "having", true, indent+2)
		p.expr(g.Having, true, indent+2, indent)
		end = g.Having.EndPos.Offset
	}
	if g.OrderBy != nil {
		p.token(noPos, "order", true, indent+2)
		p.token(noPos, "by", true, indent+2)
		p.expr(g.OrderBy, true, indent+2, indent)
		end = g.OrderBy.EndPos.Offset
		if g.Desc {
			p.token(noPos, "desc", true, indent+2)
		}
	}
	if g.Limit != nil {
		p.token(noPos, "limit", true, indent+2)
		p.intLit(g.Limit, indent+2)
		end = g.Limit.Pos.Offset + 1
	}
	open := p.next(end, "{") // end: just past the last clause
	close := p.matching(open)
	p.token(p.toks[open].Pos, "{", true, indent+2)
	p.lines[len(p.lines)-1].opens = true
	for _, it := range g.Items {
		p.item(it.Pos, indent+2)
		switch {
		case it.Header != nil:
			p.band(it.Pos, "header", it.Header, indent+2)
		case it.Footer != nil:
			p.band(it.Pos, "footer", it.Footer, indent+2)
		case it.Group != nil:
			p.group(it.Group, indent+2)
		}
	}
	p.endLine(p.toks[close].Pos.Offset)
	p.flushComments(p.toks[close].Pos.Offset, indent+2, true)
	p.token(p.toks[close].Pos, "}", false, indent)
}

// band writes a header, footer, detail or summary: the keyword at pos and
// a string or a column list.
func (p *printer) band(pos lexer.Position, kw string, b *Band, indent int) {
	p.token(pos, kw, false, indent)
	if b.Template != nil {
		p.token(b.Template.Pos, requote(b.Template.Raw), true, indent+2)
		return
	}
	open := p.tokIndex(b.Pos.Offset)
	p.list(open, p.matching(open), true, indent, len(b.Columns),
		func(i int) lexer.Position { return b.Columns[i].Pos },
		func(i int, sep bool, indent int) {
			c := b.Columns[i]
			first := indent
			if c.Name != nil {
				p.ident(c.Name, sep, indent)
				p.token(noPos, ":", false, indent+2)
				sep, first = true, indent+2
			}
			p.expr(c.Expr, sep, first, indent)
			for _, o := range c.options() {
				kw := "format"
				if o == c.Label {
					kw = "label"
				}
				p.token(noPos, kw, true, indent+2)
				p.str(o, indent+2)
			}
			p.styles(c.Styles, indent+2)
		})
	p.styles(b.Styles, indent+2)
}

// styles writes style rules: `style NAME when EXPR`.
func (p *printer) styles(rules []*StyleRule, indent int) {
	for _, r := range rules {
		p.token(r.Pos, "style", true, indent)
		p.ident(r.Style, true, indent)
		p.token(noPos, "when", true, indent)
		p.expr(r.When, true, indent, indent)
	}
}
