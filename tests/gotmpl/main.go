// Command gotmplcheck runs the template table cases.json through Go's text/template with the
// same data as modscope's unit test (report/gotmpl/tests.rs) and reports every case whose
// recorded output or error differs from Go's. With -w it rewrites the table with Go's answers.
//
//	cd tests/gotmpl && go run . [-w] cases.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/template"

	"gotmplcheck/load"
	"gotmplcheck/modinfo"
)

type tcase struct {
	Template string  `json:"template"`
	Out      *string `json:"out,omitempty"`
	Error    *string `json:"error,omitempty"`
}

func main() {
	write := flag.Bool("w", false, "rewrite the table with Go's answers")
	flag.Parse()
	path := flag.Arg(0)
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var cases []tcase
	if err := json.Unmarshal(b, &cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p := &load.PackagePublic{
		ImportPath: "example.com/m/p",
		Imports:    []string{"fmt", "strings", "x/y"},
		ImportMap:  map[string]string{"zeta": "v/zeta", "alpha": "v/alpha", "Mid": "v/Mid", "beta": "v/beta"},
		Module:     &modinfo.ModulePublic{Path: "example.com/m", Version: "v1.2.3"},
		Count:      3,
	}
	bad := 0
	for i, c := range cases {
		var out, errText *string
		t, err := template.New("main").Funcs(template.FuncMap{"join": strings.Join}).Parse(c.Template)
		if err == nil {
			var sb strings.Builder
			err = t.Execute(&sb, p)
			if err == nil {
				s := sb.String()
				out = &s
			}
		}
		if err != nil {
			s := err.Error()
			errText = &s
		}
		same := (out == nil) == (c.Out == nil) && (out == nil || *out == *c.Out) &&
			(errText == nil) == (c.Error == nil) && (errText == nil || *errText == *c.Error)
		if !same {
			bad++
			if !*write {
				fmt.Printf("differs: %q\n  go: out=%v error=%v\n", c.Template, show(out), show(errText))
			}
		}
		cases[i].Out, cases[i].Error = out, errText
	}
	if *write {
		b, _ := json.MarshalIndent(cases, "", " ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	fmt.Printf("%d cases, %d differ from Go\n", len(cases), bad)
	if bad > 0 && !*write {
		os.Exit(1)
	}
}

func show(s *string) string {
	if s == nil {
		return "none"
	}
	return fmt.Sprintf("%q", *s)
}
