package web

import (
	"encoding/json"

	"github.com/cadena-project/cadena/domain"
)

// lifecyclePath is where the page finds the lifecycle table.
const lifecyclePath = "/assets/lifecycle.js"

// lifecycleRow is one row of the lifecycle table as the page reads it.
type lifecycleRow struct {
	Name   string   `json:"name"`
	Route  string   `json:"route"`
	Side   string   `json:"side"`
	From   []string `json:"from"`
	Fields []string `json:"fields"`
}

// lifecycleModule returns assets/lifecycle.js: the domain's lifecycle table
// (domain.Commands) as a JavaScript module whose default export is one
// object per command, so the page's buttons follow the one table instead
// of holding a copy of which side may send a command from which states.
func lifecycleModule() []byte {
	var rows []lifecycleRow
	for _, c := range domain.Commands() {
		r := lifecycleRow{Name: c.Name, Route: c.RouteName(), Side: sideName(c.Sides), From: []string{}, Fields: []string{}}
		for _, s := range c.From {
			r.From = append(r.From, string(s))
		}
		for _, f := range c.Fields {
			r.Fields = append(r.Fields, string(f))
		}
		rows = append(rows, r)
	}
	b, err := json.Marshal(rows)
	if err != nil {
		panic("web: encoding the lifecycle table: " + err.Error())
	}
	out := []byte("// The hand-off lifecycle table (domain.Commands), written by the server:\n" +
		"// each command's name, route segment, the side that may send it, the\n" +
		"// states it is allowed from and its body members.\nexport default ")
	out = append(out, b...)
	return append(out, ";\n"...)
}

// sideName names a side as the page and the README do.
func sideName(s domain.Side) string {
	switch s {
	case domain.SideSupplier:
		return "supplier"
	case domain.SideCustomer:
		return "customer"
	}
	return "either"
}
