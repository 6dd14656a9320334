package api

import "github.com/cadena-project/cadena/projections/handoffindex"

// HandoffIndex is the read model behind the list of hand-offs;
// *handoffindex.Index satisfies it.
type HandoffIndex interface {
	// List returns one page of the hand-offs that match f, newest first,
	// and the cursor of the next page ("" on the last).
	List(f handoffindex.Filter) ([]handoffindex.Summary, string, error)
}

var _ HandoffIndex = (*handoffindex.Index)(nil)

// ListHandoffs returns one page of the hand-offs matching f that the actor
// may read: admins see every hand-off, everyone else only those involving
// their department (whatever f asks for). Times are in UTC. A summary
// never carries a rating or a comment, so the page is the same for every
// actor who may read it.
func ListHandoffs(idx HandoffIndex, a Actor, f handoffindex.Filter) ([]handoffindex.Summary, string, error) {
	f.Involving = a.readScope()
	page, next, err := idx.List(f)
	if err != nil {
		return nil, "", err
	}
	out := make([]handoffindex.Summary, len(page))
	for i, s := range page {
		s.RequestedAt, s.UpdatedAt = s.RequestedAt.UTC(), s.UpdatedAt.UTC()
		out[i] = s
	}
	return out, next, nil
}
