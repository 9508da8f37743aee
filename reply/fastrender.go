package reply

import (
	"slices"
	"strings"
	"text/template/parse"
)

// fastOp is one step of a template compiled for renderFast: the templates
// knowledge bases are made of (text, {{.Field}}, {{if .Field}},
// {{with .Field}}…{{.}}…{{end}}, with else branches and comments) run
// without text/template's reflection, which was most of a render.
// Templates that use anything else (functions, variables, comparisons)
// have no compiled form and run through text/template.
type fastOp struct {
	kind           fastKind
	text           string // fastText: the text; otherwise the field's name
	list, elseList []fastOp
}

type fastKind uint8

const (
	fastText  fastKind = iota
	fastField          // {{.F}} or {{$.F}}: print a field, recorded when empty
	fastDot            // {{.}} inside with: print the with value
	fastIf             // {{if .F}}
	fastWith           // {{with .F}}: dot is the field's value inside
)

// compileFast compiles the (not yet instrumented) list l, or returns ok
// false when it uses anything renderFast does not do.
func compileFast(l *parse.ListNode) (ops []fastOp, ok bool) {
	if l == nil {
		return nil, true
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			ops = append(ops, fastOp{kind: fastText, text: string(n.Text)})
		case *parse.CommentNode:
		case *parse.ActionNode:
			name, dot, ok := fastArg(n.Pipe)
			if !ok {
				return nil, false
			}
			if dot {
				ops = append(ops, fastOp{kind: fastDot})
			} else {
				ops = append(ops, fastOp{kind: fastField, text: name})
			}
		case *parse.IfNode, *parse.WithNode:
			var b *parse.BranchNode
			kind := fastIf
			if w, isWith := n.(*parse.WithNode); isWith {
				b, kind = &w.BranchNode, fastWith
			} else {
				b = &n.(*parse.IfNode).BranchNode
			}
			name, dot, ok := fastArg(b.Pipe)
			if !ok || dot {
				return nil, false
			}
			list, ok1 := compileFast(b.List)
			elseList, ok2 := compileFast(b.ElseList)
			if !ok1 || !ok2 {
				return nil, false
			}
			ops = append(ops, fastOp{kind: kind, text: name, list: list, elseList: elseList})
		default:
			return nil, false
		}
	}
	return ops, true
}

// fastArg returns the field a pipeline of one argument names (.F or
// $.F), or dot for {{.}}; ok is false for any other pipeline.
func fastArg(p *parse.PipeNode) (name string, dot, ok bool) {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false, false
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		if len(a.Ident) == 1 && isDataField(a.Ident[0]) {
			return a.Ident[0], false, true
		}
	case *parse.VariableNode:
		if len(a.Ident) == 2 && a.Ident[0] == "$" && isDataField(a.Ident[1]) {
			return a.Ident[1], false, true
		}
	case *parse.DotNode:
		return "", true, true
	}
	return "", false, false
}

// renderFast runs ops as text/template runs the instrumented template:
// a printed field that is empty is recorded in d.missing (once, in the
// order printed) and, with a mark function, printed as its mark; dot is
// the value of the innermost {{with}}.
func renderFast(b *strings.Builder, d *renderData, ops []fastOp, dot string) {
	for i := range ops {
		op := &ops[i]
		switch op.kind {
		case fastText:
			b.WriteString(op.text)
		case fastDot:
			b.WriteString(dot)
		case fastField:
			v, _ := d.field(op.text)
			if v == "" {
				if !slices.Contains(d.missing, op.text) {
					d.missing = append(d.missing, op.text)
				}
				if d.mark != nil {
					v = d.mark(op.text)
				}
			}
			b.WriteString(v)
		case fastIf, fastWith:
			v, _ := d.field(op.text)
			switch {
			case v == "":
				renderFast(b, d, op.elseList, dot)
			case op.kind == fastWith:
				renderFast(b, d, op.list, v)
			default:
				renderFast(b, d, op.list, dot)
			}
		}
	}
}
