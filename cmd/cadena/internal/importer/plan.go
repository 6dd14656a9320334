package importer

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cadena-project/cadena/domain"
)

// DefaultKind is the kind of imported hand-offs when none is given.
const DefaultKind = "import"

// Plan is what a log becomes in cadena: departments, the pairs between
// them, and hand-offs with the steps of their lifecycles.
type Plan struct {
	Kind        string
	Cases       int
	Events      int
	Departments []Department // by first event, then ID
	Pairs       []Pair       // sorted by supplier, then customer
	Handoffs    []Handoff    // by case, then run
	Returns     int
}

// Department is a working group as a department.
type Department struct {
	ID   string
	Name string    // the group's name in the log
	At   time.Time // its first event
}

// Pair is a supplier -> customer pair with at least one hand-off.
type Pair struct {
	Supplier string
	Customer string
	At       time.Time // the first instant both departments exist
	Handoffs int
}

// Verb is a step of a hand-off's lifecycle.
type Verb string

// The verbs the importer issues.
const (
	Request Verb = "request"
	Accept  Verb = "accept"
	Deliver Verb = "deliver"
	Return  Verb = "return"
)

// Step is one command on a hand-off at its business time.
type Step struct {
	Verb Verb
	At   time.Time
}

// Handoff is one planned hand-off.
type Handoff struct {
	ID       string
	Case     string
	Supplier string
	Customer string
	Title    string
	Steps    []Step
}

// PlanOptions tune NewPlan.
type PlanOptions struct {
	// Kind is the hand-offs' kind; DefaultKind when empty.
	Kind string
	// OpenAtEnd leaves the hand-off of the group that holds a case at its
	// last event open, for logs of cases still running. By default it is
	// delivered at that event: the case ended there.
	OpenAtEnd bool
}

// NewPlan maps a log to hand-offs as the package documentation describes.
// It fails when two group names make the same department ID or the kind
// is not a slug.
func NewPlan(log *Log, opts PlanOptions) (*Plan, error) {
	kind := opts.Kind
	if kind == "" {
		kind = DefaultKind
	}
	if !domain.ValidSlug(kind) {
		return nil, fmt.Errorf("kind %q is not a slug (lower-case letters, digits and dashes)", kind)
	}
	p := &Plan{Kind: kind, Cases: len(log.Cases), Events: log.Events}
	depts, err := departments(log)
	if err != nil {
		return nil, err
	}
	pairs := map[[2]string]*Pair{}
	for _, c := range log.Cases {
		for _, h := range planCase(c, depts, opts.OpenAtEnd, &p.Returns) {
			key := [2]string{h.Supplier, h.Customer}
			pr, ok := pairs[key]
			if !ok {
				at := depts.byID[h.Supplier].At
				if t := depts.byID[h.Customer].At; t.After(at) {
					at = t
				}
				pr = &Pair{Supplier: h.Supplier, Customer: h.Customer, At: at}
				pairs[key] = pr
			}
			pr.Handoffs++
			p.Handoffs = append(p.Handoffs, h)
		}
	}
	for _, d := range depts.list {
		p.Departments = append(p.Departments, *d)
	}
	for _, pr := range pairs {
		p.Pairs = append(p.Pairs, *pr)
	}
	slices.SortFunc(p.Pairs, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(a.Supplier, b.Supplier), cmp.Compare(a.Customer, b.Customer))
	})
	return p, nil
}

type deptIndex struct {
	list   []*Department
	byID   map[string]*Department
	byName map[string]*Department
}

// departments makes one department per group, dated at its first event.
func departments(log *Log) (deptIndex, error) {
	ix := deptIndex{byID: map[string]*Department{}, byName: map[string]*Department{}}
	for _, c := range log.Cases {
		for _, e := range c.Events {
			if d, ok := ix.byName[e.Group]; ok {
				if e.At.Before(d.At) {
					d.At = e.At
				}
				continue
			}
			id := Slug(e.Group)
			if other, ok := ix.byID[id]; ok {
				return ix, &SyntaxError{Line: e.Line, Trace: c.ID,
					Msg: fmt.Sprintf("groups %q and %q both make department %q", other.Name, e.Group, id)}
			}
			d := &Department{ID: id, Name: truncate(e.Group, domain.MaxNameLen), At: e.At}
			ix.list = append(ix.list, d)
			ix.byID[id], ix.byName[e.Group] = d, d
		}
	}
	slices.SortFunc(ix.list, func(a, b *Department) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return ix, nil
}

// run is a maximal sequence of consecutive events of one group in a case.
type run struct {
	dept     string
	at       time.Time // its first event
	activity string    // of its first event
}

// planCase maps one case to its hand-offs.
func planCase(c Case, depts deptIndex, openAtEnd bool, returns *int) []Handoff {
	events := slices.Clone(c.Events)
	slices.SortStableFunc(events, func(a, b Event) int { return a.At.Compare(b.At) })
	var runs []run
	for _, e := range events {
		d := depts.byName[e.Group].ID
		if len(runs) == 0 || runs[len(runs)-1].dept != d {
			runs = append(runs, run{dept: d, at: e.At, activity: e.Activity})
		}
	}
	var out []Handoff
	latest := map[[2]string]int{} // supplier, customer -> index in out
	cur := -1                     // the hand-off the current run works on
	key := caseKey(c.ID)
	for i := 1; i < len(runs); i++ {
		from, to := runs[i-1], runs[i]
		if cur >= 0 {
			out[cur].Steps = append(out[cur].Steps, Step{Deliver, to.at})
		}
		pair := [2]string{to.dept, from.dept}
		if j, ok := latest[pair]; ok {
			out[j].Steps = append(out[j].Steps, Step{Return, to.at})
			*returns++
			cur = j
			continue
		}
		activity := to.activity
		if activity == "" {
			activity = "work"
		}
		out = append(out, Handoff{
			ID:       key + "-" + strconv.Itoa(i),
			Case:     c.ID,
			Supplier: to.dept, Customer: from.dept,
			Title: truncate(activity+" (case "+c.ID+")", domain.MaxTitleLen),
			Steps: []Step{{Request, to.at}, {Accept, to.at}},
		})
		cur = len(out) - 1
		latest[pair] = cur
	}
	if cur >= 0 && !openAtEnd {
		out[cur].Steps = append(out[cur].Steps, Step{Deliver, events[len(events)-1].At})
	}
	return out
}

// Slug makes a department ID of a group name with domain.Slug ("Soporte
// Técnico" -> "soporte-tecnico"). A name with no Latin letter or digit
// gets "group-" and a hash of the name.
func Slug(name string) string {
	if s := domain.Slug(name); s != "" {
		return s
	}
	return "group-" + shortHash(name)
}

// caseKey makes the hand-off ID prefix of a case: the case ID when it is
// short and made of ID characters, else a cleaned prefix and a hash.
func caseKey(id string) string {
	if len(id) <= 48 && domain.ValidHandoffID(id) {
		return id
	}
	clean := []byte(id)
	for i, c := range clean {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			clean[i] = '_'
		}
	}
	if len(clean) > 39 {
		clean = clean[:39]
	}
	return string(clean) + "_" + shortHash(id)
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// truncate makes s valid text, as the application takes it in a title or
// a name (bytes that are not UTF-8, and control characters but tab and
// newline, become U+FFFD), and cuts it to at most n runes.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, domain.ForbiddenInText) >= 0 {
		s = strings.Map(func(r rune) rune {
			if domain.ForbiddenInText(r) {
				return '\uFFFD'
			}
			return r
		}, s)
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
