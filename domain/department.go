package domain

import "time"

// Department is the state of one department. The zero value is a department
// that does not exist yet.
type Department struct {
	ID      string
	Name    string
	Retired bool
	// Version is the number of events folded into this state.
	Version uint64
	// LastAt is the business time of the latest event.
	LastAt time.Time
}

// Exists reports whether the department has been registered.
func (d Department) Exists() bool { return d.Version > 0 }

// RegisterDepartment creates a department or renames an existing one.
type RegisterDepartment struct {
	ID   string
	Name string
	At   time.Time
}

// RetireDepartment stops a department from receiving new hand-offs.
type RetireDepartment struct {
	ID string
	At time.Time
}

// DecideRegister returns the events that register or rename d: none when
// nothing changes.
func DecideRegister(d Department, cmd RegisterDepartment, now time.Time) ([]Event, error) {
	if err := checkSlug("id", cmd.ID); err != nil {
		return nil, err
	}
	if err := checkText("name", cmd.Name, 1, MaxNameLen); err != nil {
		return nil, err
	}
	at, err := occurredAt(cmd.At, d.LastAt, now)
	if err != nil {
		return nil, err
	}
	switch {
	case !d.Exists():
		return []Event{DepartmentRegistered{DepartmentID: cmd.ID, Name: cmd.Name, At: at}}, nil
	case d.Name != cmd.Name:
		return []Event{DepartmentRenamed{DepartmentID: cmd.ID, Name: cmd.Name, At: at}}, nil
	}
	return nil, nil
}

// DecideRetire returns the event that retires d: none when it is retired
// already.
func DecideRetire(d Department, cmd RetireDepartment, now time.Time) ([]Event, error) {
	if !d.Exists() {
		return nil, notFound("department", cmd.ID)
	}
	if d.Retired {
		return nil, nil
	}
	at, err := occurredAt(cmd.At, d.LastAt, now)
	if err != nil {
		return nil, err
	}
	return []Event{DepartmentRetired{DepartmentID: d.ID, At: at}}, nil
}

// EvolveDepartment folds one event into d. Events of other aggregates leave
// it unchanged.
func EvolveDepartment(d Department, e Event) Department {
	switch e := e.(type) {
	case DepartmentRegistered:
		d.ID, d.Name = e.DepartmentID, e.Name
	case DepartmentRenamed:
		d.Name = e.Name
	case DepartmentRetired:
		d.Retired = true
	default:
		return d
	}
	d.Version++
	d.LastAt = OccurredAt(e)
	return d
}
