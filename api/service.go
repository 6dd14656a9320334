package api

import (
	"context"
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// Options tune a Service.
type Options struct {
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// MaxRetries bounds how often a command is decided again after a
	// concurrent write to its stream; default 32. Each retry means another
	// command on the same stream succeeded, so this bounds a burst of writers.
	MaxRetries int
	// SoleWriter says that nothing but this Service writes the store (the
	// embedded store: one process opens it at a time). The departments and
	// agreements that commands consult are then served from memory, kept
	// current by the Service's own appends, instead of read from the store
	// at every command. Leave it false when other processes (replicas,
	// tools) write the store: each command then asks the store only for
	// what changed since it last read the stream.
	SoleWriter bool
	// BatchPart is how many appends Batch holds before it writes them
	// together (one transaction and one fsync on the embedded store);
	// default 8192. A bulk load (cadena import) takes more, for fewer and
	// larger commits.
	BatchPart int
}

// Service runs commands against the event log.
type Service struct {
	store      Store
	now        func() time.Time
	maxRetries int
	cals       calendarCache
	refs       refs
	decisions  *decisionCache // nil unless the Service is the store's sole writer
	batchPart  int            // Options.BatchPart; 0 for maxPending
}

// New returns a Service that appends to store.
func New(store Store, opts Options) *Service {
	s := &Service{store: store, now: opts.Now, maxRetries: opts.MaxRetries, refs: newRefs(opts.SoleWriter),
		batchPart: opts.BatchPart}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.SoleWriter {
		s.decisions = newDecisionCache()
	}
	if s.maxRetries <= 0 {
		s.maxRetries = 32
	}
	return s
}

// DepartmentResult is a department after a command.
type DepartmentResult struct {
	Department domain.Department
	Created    bool   // the command registered it
	Replayed   bool   // an idempotent retry, answered from the log
	Position   uint64 // global position reached
}

// PutDepartment registers a department or renames it (admins only).
func (s *Service) PutDepartment(ctx context.Context, a Actor, m Meta, cmd domain.RegisterDepartment) (DepartmentResult, error) {
	return s.putDepartment(ctx, direct{s}, a, m, cmd)
}

func (s *Service) putDepartment(ctx context.Context, x session, a Actor, m Meta, cmd domain.RegisterDepartment) (DepartmentResult, error) {
	m = m.withRequest("department.put", cmd)
	if err := a.MayManageDepartments(); err != nil {
		return DepartmentResult{}, err
	}
	if !domain.ValidSlug(cmd.ID) {
		_, err := domain.DecideRegister(domain.Department{}, cmd, s.now())
		return DepartmentResult{}, err
	}
	existed := false
	d, out, err := execute(ctx, s, x, a, m, domain.DepartmentStream(cmd.ID), domain.EvolveDepartment,
		func(d domain.Department) ([]domain.Event, error) {
			existed = d.Exists()
			return domain.DecideRegister(d, cmd, s.now())
		})
	if err != nil {
		return DepartmentResult{}, err
	}
	created := out.Appended && !existed || out.Replayed && d.Version == 1
	return DepartmentResult{Department: d, Created: created, Replayed: out.Replayed, Position: out.Position}, nil
}

// RetireDepartment retires a department (admins only).
func (s *Service) RetireDepartment(ctx context.Context, a Actor, m Meta, cmd domain.RetireDepartment) (DepartmentResult, error) {
	m = m.withRequest("department.retire", cmd)
	if err := a.MayManageDepartments(); err != nil {
		return DepartmentResult{}, err
	}
	if !domain.ValidSlug(cmd.ID) {
		return DepartmentResult{}, fmt.Errorf("department %q: %w", cmd.ID, domain.ErrNotFound)
	}
	d, out, err := execute(ctx, s, direct{s}, a, m, domain.DepartmentStream(cmd.ID), domain.EvolveDepartment,
		func(d domain.Department) ([]domain.Event, error) {
			return domain.DecideRetire(d, cmd, s.now())
		})
	if err != nil {
		return DepartmentResult{}, err
	}
	return DepartmentResult{Department: d, Replayed: out.Replayed, Position: out.Position}, nil
}

// Department returns the current state of a department.
func (s *Service) Department(ctx context.Context, id string) (domain.Department, error) {
	d, _, err := s.DepartmentSince(ctx, id)
	return d, err
}

// DepartmentSince returns the current state of a department and the
// business time of its registration (which domain.Department does not
// keep: it is part of a request's idempotency fingerprint).
func (s *Service) DepartmentSince(ctx context.Context, id string) (domain.Department, time.Time, error) {
	if !domain.ValidSlug(id) {
		return domain.Department{}, time.Time{}, fmt.Errorf("department %q: %w", id, domain.ErrNotFound)
	}
	recs, err := s.load(ctx, domain.DepartmentStream(id))
	if err != nil {
		return domain.Department{}, time.Time{}, err
	}
	d := fold(domain.EvolveDepartment, recs)
	if !d.Exists() {
		return d, time.Time{}, fmt.Errorf("department %q: %w", id, domain.ErrNotFound)
	}
	return d, domain.OccurredAt(recs[0].Event), nil
}

// AgreementResult is a pair's agreements after a command.
type AgreementResult struct {
	Agreements domain.Agreements
	Terms      domain.AgreementTerms // the terms just set
	Replayed   bool                  // an idempotent retry, answered from the log
	Position   uint64
}

// SetAgreement sets the targets of a supplier -> customer pair (admins and
// the supplier's head).
func (s *Service) SetAgreement(ctx context.Context, a Actor, m Meta, cmd domain.SetAgreement) (AgreementResult, error) {
	return s.setAgreement(ctx, direct{s}, a, m, cmd)
}

func (s *Service) setAgreement(ctx context.Context, x session, a Actor, m Meta, cmd domain.SetAgreement) (AgreementResult, error) {
	m = m.withRequest("agreement.set", cmd)
	if err := a.MaySetAgreement(cmd.Supplier); err != nil {
		return AgreementResult{}, err
	}
	sup, cus, err := s.pair(ctx, x, cmd.Supplier, cmd.Customer)
	if err != nil {
		return AgreementResult{}, err
	}
	if domain.ValidSlug(cmd.Calendar) {
		c, err := s.loadCalendar(ctx, x, cmd.Calendar)
		if err != nil {
			return AgreementResult{}, err
		}
		cmd.CalendarVersion = c.Version
	}
	if !domain.ValidSlug(cmd.Supplier) || !domain.ValidSlug(cmd.Customer) {
		_, err := domain.DecideSetAgreement(domain.Agreements{}, sup, cus, cmd, s.now())
		return AgreementResult{}, err
	}
	ag, out, err := execute(ctx, s, x, a, m, domain.AgreementStream(cmd.Supplier, cmd.Customer), domain.EvolveAgreements,
		func(ag domain.Agreements) ([]domain.Event, error) {
			return domain.DecideSetAgreement(ag, sup, cus, cmd, s.now())
		})
	if err != nil {
		return AgreementResult{}, err
	}
	return AgreementResult{Agreements: ag, Terms: ag.ByKind[cmd.Kind], Replayed: out.Replayed, Position: out.Position}, nil
}

// pair loads the two departments of a pair; a malformed ID loads as a
// department that does not exist, and the domain reports the field. A lone
// command reads them through the cache (refCache); a batch reads the
// streams itself, so that a registration it has not written yet counts and
// the dependency is recorded.
func (s *Service) pair(ctx context.Context, x session, supplier, customer string) (domain.Department, domain.Department, error) {
	_, lone := x.(direct)
	load := func(id string) (domain.Department, error) {
		if !domain.ValidSlug(id) {
			return domain.Department{}, nil
		}
		if lone {
			var buf [64]byte
			return s.refs.departments.currentOf(ctx, s, append(append(buf[:0], departmentPrefix...), id...))
		}
		recs, err := x.peek(ctx, domain.DepartmentStream(id))
		return fold(domain.EvolveDepartment, recs), err
	}
	sup, err := load(supplier)
	if err != nil {
		return sup, sup, err
	}
	cus, err := load(customer)
	return sup, cus, err
}

// HandoffResult is a hand-off after a command, as the actor may see it:
// without its rating unless the actor may see ratings.
type HandoffResult struct {
	Handoff  domain.Handoff
	Created  bool // the command requested it
	Replayed bool // an idempotent retry, answered from the log
	Position uint64
	// Clock is the calendar the hand-off's clock counts in.
	Clock domain.DeadlineCalendar
}

// RequestHandoff opens a hand-off. An empty cmd.ID gets a fresh one
// (derived from the idempotency key when there is one). Requesting again
// under an existing ID with the same supplier, customer, kind, title and
// details returns the existing hand-off; with anything else it is a
// conflict.
func (s *Service) RequestHandoff(ctx context.Context, a Actor, m Meta, cmd domain.RequestHandoff) (HandoffResult, error) {
	return s.requestHandoff(ctx, direct{s}, a, m, cmd)
}

func (s *Service) requestHandoff(ctx context.Context, x session, a Actor, m Meta, cmd domain.RequestHandoff) (HandoffResult, error) {
	m = m.withHandoffRequest(cmd, nil)
	if cmd.ID == "" {
		cmd.ID = eventstore.NewID()
		if m.IdempotencyKey != "" {
			cmd.ID = idempotentID(a, m.IdempotencyKey, 0)
			m.firstID = cmd.ID
		}
	}
	if !domain.ValidHandoffID(cmd.ID) || !domain.ValidSlug(cmd.Supplier) || !domain.ValidSlug(cmd.Customer) {
		// A request that names no pair (a missing or malformed supplier
		// or customer) is invalid whoever sends it: 422 naming the field,
		// not a 403 for not involving the sender's department.
		_, err := domain.DecideRequest(domain.Handoff{}, cmd, s.now())
		return HandoffResult{}, err
	}
	if err := a.mayIssue(domain.Request, cmd.Supplier, cmd.Customer); err != nil {
		return HandoffResult{}, err
	}
	sup, cus, err := s.pair(ctx, x, cmd.Supplier, cmd.Customer)
	if err != nil {
		return HandoffResult{}, err
	}
	cmd.SupplierDept, cmd.CustomerDept = sup, cus
	if domain.ValidSlug(cmd.Supplier) && domain.ValidSlug(cmd.Customer) && domain.ValidSlug(cmd.Kind) {
		ag, err := s.agreements(ctx, x, cmd.Supplier, cmd.Customer)
		if err != nil {
			return HandoffResult{}, err
		}
		if terms, ok := ag.InForce(cmd.Kind); ok {
			cmd.Agreement = &terms
		}
	}
	existing := false
	stream := domain.HandoffStream(cmd.ID)
	if _, lone := x.(direct); lone && m.IdempotencyKey == "" {
		m.presumeNew = true
	}
	h, out, err := execute(ctx, s, x, a, m, stream, domain.EvolveHandoff,
		func(h domain.Handoff) ([]domain.Event, error) {
			if h.Exists() && sameRequest(h, cmd) {
				existing = true
				return nil, nil
			}
			return domain.DecideRequest(h, cmd, s.now())
		})
	if err != nil {
		return HandoffResult{}, err
	}
	if existing && !a.CanRead(h.Supplier, h.Customer) {
		return HandoffResult{}, fmt.Errorf("%w: hand-off %s", ErrForbidden, h.ID)
	}
	return s.withClock(ctx, HandoffResult{Handoff: a.redact(h), Created: out.Appended, Replayed: out.Replayed, Position: out.Position})
}

// agreements loads the agreements of a pair a command consults, as pair
// loads its departments.
func (s *Service) agreements(ctx context.Context, x session, supplier, customer string) (domain.Agreements, error) {
	if _, lone := x.(direct); lone {
		var buf [96]byte // domain.AgreementStream, on the stack
		name := append(append(append(buf[:0], agreementPrefix...), supplier...), '.')
		return s.refs.agreements.currentOf(ctx, s, append(name, customer...))
	}
	stream := domain.AgreementStream(supplier, customer)
	recs, err := x.peek(ctx, stream)
	if err != nil {
		return domain.Agreements{}, err
	}
	return fold(domain.EvolveAgreements, recs), nil
}

// checkLifecycle refuses what is not a lifecycle command: a request (it
// has a use case of its own) or an unknown name.
func checkLifecycle(cmd domain.HandoffCommand) error {
	if cmd.Name == domain.Request {
		return &domain.ValidationError{Field: "command", Msg: "use RequestHandoff to open a hand-off"}
	}
	if _, ok := domain.CommandSides(cmd.Name); !ok {
		return &domain.ValidationError{Field: "command", Msg: fmt.Sprintf("unknown command %q", cmd.Name)}
	}
	return nil
}

// withLifecycle fingerprints a lifecycle command on hand-off id, the
// hash cut from sb.
func (m Meta) withLifecycle(id string, cmd domain.HandoffCommand, sb *strBlock) Meta {
	if m.IdempotencyKey != "" {
		m.requestHash = lifecycleFingerprint(id, cmd, sb)
	}
	return m
}

// withHandoffRequest fingerprints a request, as withRequest does, the
// hash cut from sb.
func (m Meta) withHandoffRequest(cmd domain.RequestHandoff, sb *strBlock) Meta {
	if m.IdempotencyKey != "" {
		m.requestHash = requestFingerprint(cmd, sb)
	}
	return m
}

func sameRequest(h domain.Handoff, cmd domain.RequestHandoff) bool {
	return h.Supplier == cmd.Supplier && h.Customer == cmd.Customer && h.Kind == cmd.Kind &&
		h.Title == cmd.Title && h.Details == cmd.Details && (cmd.At.IsZero() || cmd.At.Equal(h.RequestedAt))
}

// Execute runs a command on an existing hand-off.
func (s *Service) Execute(ctx context.Context, a Actor, m Meta, id string, cmd domain.HandoffCommand) (HandoffResult, error) {
	return s.runCommand(ctx, direct{s}, a, m, id, cmd)
}

func (s *Service) runCommand(ctx context.Context, x session, a Actor, m Meta, id string, cmd domain.HandoffCommand) (HandoffResult, error) {
	if err := checkLifecycle(cmd); err != nil {
		return HandoffResult{}, err
	}
	if !domain.ValidHandoffID(id) {
		return HandoffResult{}, fmt.Errorf("hand-off %q: %w", id, domain.ErrNotFound)
	}
	m = m.withLifecycle(id, cmd, nil)
	h, out, err := execute(ctx, s, x, a, m, domain.HandoffStream(id), domain.EvolveHandoff,
		func(h domain.Handoff) ([]domain.Event, error) {
			if !h.Exists() {
				return nil, fmt.Errorf("hand-off %q: %w", id, domain.ErrNotFound)
			}
			if err := a.mayIssue(cmd.Name, h.Supplier, h.Customer); err != nil {
				return nil, err
			}
			return domain.DecideHandoff(h, cmd, s.now())
		})
	if err != nil {
		return HandoffResult{}, err
	}
	return s.withClock(ctx, HandoffResult{Handoff: a.redact(h), Replayed: out.Replayed, Position: out.Position})
}
