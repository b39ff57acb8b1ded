package docs

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"strings"
	"testing"
)

// embeddingExamples are the Example functions of example_test.go that embedding.md
// shows, in order, as complete programs.
var embeddingExamples = []string{"Example_embedding", "Example_errorsAndEvents", "Example_customFunction"}

// TestEmbeddingExamples checks that each program (package main) in
// embedding.md is the corresponding Example function of example_test.go: the
// same main body, the same other declarations (but dataDir, where the bundled
// data is) and the same output.
func TestEmbeddingExamples(t *testing.T) {
	src, err := os.ReadFile(embeddingDoc)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parseBlocks(string(src))
	if err != nil {
		t.Fatalf("%s: %v", embeddingDoc, err)
	}
	fset := token.NewFileSet()
	testFile, err := parser.ParseFile(fset, "example_test.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	testDecls := decls(t, fset, testFile)
	k := 0
	for i, b := range blocks {
		if b.tag() != "go" || !strings.HasPrefix(b.text, "package main") {
			continue
		}
		if k >= len(embeddingExamples) {
			t.Errorf("%s:%d: a program with no Example function (add it to embeddingExamples)", embeddingDoc, b.line)
			continue
		}
		name := embeddingExamples[k]
		k++
		if i+1 >= len(blocks) || blocks[i+1].tag() != "output" {
			t.Errorf("%s:%d: the program must be followed by its ```output", embeddingDoc, b.line)
			continue
		}
		mdFile, err := parser.ParseFile(fset, embeddingDoc, b.text, parser.ParseComments)
		if err != nil {
			t.Errorf("%s:%d: %v", embeddingDoc, b.line, err)
			continue
		}
		mdMain, example := findFunc(mdFile, "main"), findFunc(testFile, name)
		if mdMain == nil || example == nil {
			t.Errorf("%s:%d: main, or %s in example_test.go, is missing", embeddingDoc, b.line, name)
			continue
		}
		if got, want := printNode(t, fset, mdMain.Body), printNode(t, fset, example.Body); got != want {
			t.Errorf("%s:%d: main differs from %s:\n%s\nwant:\n%s", embeddingDoc, b.line, name, got, want)
		}
		mdDecls := decls(t, fset, mdFile)
		if _, ok := mdDecls["dataDir"]; !ok {
			t.Errorf("%s:%d: the program does not declare dataDir", embeddingDoc, b.line)
		}
		for name, d := range mdDecls {
			if name != "dataDir" && name != "main" && testDecls[name] != d {
				t.Errorf("%s:%d: %s differs from example_test.go's:\n%s\nwant:\n%s", embeddingDoc, b.line, name, d, testDecls[name])
			}
		}
		if got, want := blocks[i+1].text, exampleOutput(testFile, example); normalize(got) != normalize(want) {
			t.Errorf("%s:%d: the output differs from %s's:\n%s\nwant:\n%s", embeddingDoc, blocks[i+1].line, name, got, want)
		}
	}
	if k != len(embeddingExamples) {
		t.Errorf("%s shows %d programs, want %d", embeddingDoc, k, len(embeddingExamples))
	}
}

// decls returns the printed top-level declarations of f but its imports,
// by name (constants and variables one by one).
func decls(t *testing.T, fset *token.FileSet, f *ast.File) map[string]string {
	out := map[string]string{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				out[d.Name.Name] = printNode(t, fset, d)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					for i, n := range s.Names {
						v := ""
						if i < len(s.Values) {
							v = printNode(t, fset, s.Values[i])
						}
						if s.Type != nil {
							v = printNode(t, fset, s.Type) + " = " + v
						}
						out[n.Name] = v
					}
				case *ast.TypeSpec:
					out[s.Name.Name] = printNode(t, fset, s)
				}
			}
		}
	}
	return out
}

func findFunc(f *ast.File, name string) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Recv == nil {
			return fd
		}
	}
	return nil
}

// printNode prints a node without comments or blank lines (which comments
// left out can leave behind).
func printNode(t *testing.T, fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, n); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// exampleOutput returns the text of the "// Output:" comment of fn.
func exampleOutput(f *ast.File, fn *ast.FuncDecl) string {
	for _, cg := range f.Comments {
		if cg.Pos() < fn.Body.Lbrace || cg.End() > fn.Body.Rbrace {
			continue
		}
		text := cg.Text()
		if rest, ok := strings.CutPrefix(text, "Output:\n"); ok {
			return rest
		}
	}
	return ""
}
