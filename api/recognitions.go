package api

import (
	"context"
	"fmt"

	"github.com/cadena-project/cadena/domain"
)

// RecognitionResult is a recognition after Recognise.
type RecognitionResult struct {
	Recognition domain.PairRecognised
	Replayed    bool // an idempotent retry, answered from the log
	Position    uint64
}

// MayRecognise lets the customer department's members and heads, and
// admins, thank a supplier: the same people who may rate its hand-offs.
// It returns an ErrForbidden for anyone else. The use case checks it; a
// transport may check it first too, to refuse before it reads the body.
func (a Actor) MayRecognise(customer string) error {
	if a.IsAdmin() || a.Department == customer && (a.Role == RoleMember || a.Role == RoleHead) {
		return nil
	}
	return fmt.Errorf("%w: only an admin or the members and heads of %s may recognise its suppliers (%s %q)",
		ErrForbidden, customer, a.Role, a.Name)
}

// Recognise records that the customer thanks the supplier; cmd.Author is
// set to the actor's name.
func (s *Service) Recognise(ctx context.Context, a Actor, m Meta, cmd domain.Recognise) (RecognitionResult, error) {
	cmd.Author = a.Name
	m = m.withRequest("pair.recognise", cmd)
	if err := a.MayRecognise(cmd.Customer); err != nil {
		return RecognitionResult{}, err
	}
	x := direct{s}
	sup, cus, err := s.pair(ctx, x, cmd.Supplier, cmd.Customer)
	if err != nil {
		return RecognitionResult{}, err
	}
	if !domain.ValidSlug(cmd.Supplier) || !domain.ValidSlug(cmd.Customer) {
		_, err := domain.DecideRecognise(domain.Recognitions{}, sup, cus, cmd, s.now())
		return RecognitionResult{}, err
	}
	r, out, err := execute(ctx, s, x, a, m, domain.RecognitionStream(cmd.Supplier, cmd.Customer), domain.EvolveRecognitions,
		func(r domain.Recognitions) ([]domain.Event, error) {
			return domain.DecideRecognise(r, sup, cus, cmd, s.now())
		})
	if err != nil {
		return RecognitionResult{}, err
	}
	return RecognitionResult{Recognition: r.Last, Replayed: out.Replayed, Position: out.Position}, nil
}
