package webhookhttp

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	prana "example.invalid/prana-webhook/go"
)

// ErrConflict is returned by Store.Save when a compare-and-set of one of
// its changes found the row in another state: nothing was saved.
var ErrConflict = errors.New("webhookhttp: stored registration changed concurrently")

// RegistrationRow is a stored registration: the library's JSON form and
// the columns a store indexes.
type RegistrationRow struct {
	ResumeID    string
	ExecutionID string
	NodeID      string
	Status      prana.LifecycleStatus
	ExpiresAt   time.Time // zero until activated
	JSON        json.RawMessage
}

// ExecutionRow is a stored execution: the library's JSON form and the
// columns a store indexes.
type ExecutionRow struct {
	ID         string
	WorkflowID string
	Status     prana.RunStatus
	State      json.RawMessage
}

// Change is one transition to apply with compare-and-set: the stored row
// must still have status From (and, when FromExpiresAt is not zero, that
// expiry); it gets status To and Row's JSON and expiry. Changes of one row
// are applied in order, so a row can go pending → active → expired in one
// Save. An extension is active → active on the old expiry.
type Change struct {
	From          prana.LifecycleStatus
	To            prana.LifecycleStatus
	FromExpiresAt time.Time
	Row           RegistrationRow
}

// Store persists executions and registrations for a Handler. Every method
// is called from many goroutines at once. The exactly-once guarantee rests
// on CompareAndSet: of concurrent calls with the same resume ID and From,
// at most one may report true.
type Store interface {
	// Create stores a new execution and its (pending) registrations, all
	// or nothing.
	Create(ctx context.Context, exec ExecutionRow, regs []RegistrationRow) error
	// Registration returns the registration with this resume ID, or an
	// error matching prana.ErrNotFound when there is none.
	Registration(ctx context.Context, resumeID string) (RegistrationRow, error)
	// CompareAndSet applies one change to the registration c.Row.ResumeID
	// where its stored status is c.From (and its expiry c.FromExpiresAt,
	// when not zero), and reports whether it did.
	CompareAndSet(ctx context.Context, c Change) (bool, error)
	// Execution returns the execution with this id, or an error matching
	// prana.ErrNotFound.
	Execution(ctx context.Context, id string) (ExecutionRow, error)
	// Save stores the execution's new state and applies every change with
	// compare-and-set, all or nothing; a lost compare-and-set is ErrConflict.
	Save(ctx context.Context, exec ExecutionRow, changes []Change) error
	// Due lists up to limit active registrations whose expiry is at or
	// before now, earliest first.
	Due(ctx context.Context, now time.Time, limit int) ([]RegistrationRow, error)
}

// registrationRow reads the indexed columns of a registration.
func registrationRow(reg *prana.Registration) (RegistrationRow, error) {
	var row RegistrationRow
	var err error
	if row.ResumeID, err = reg.ResumeID(); err != nil {
		return row, err
	}
	if row.ExecutionID, err = reg.ExecutionID(); err != nil {
		return row, err
	}
	if row.NodeID, err = reg.NodeID(); err != nil {
		return row, err
	}
	if row.Status, err = reg.Status(); err != nil {
		return row, err
	}
	if at, ok, err := reg.ExpiresAt(); err != nil {
		return row, err
	} else if ok {
		row.ExpiresAt = at
	}
	row.JSON, err = reg.JSON()
	return row, err
}

// executionRow reads an execution's columns and JSON.
func executionRow(x *prana.Execution) (ExecutionRow, error) {
	var row ExecutionRow
	var err error
	if row.ID, err = x.ID(); err != nil {
		return row, err
	}
	if row.WorkflowID, err = x.WorkflowID(); err != nil {
		return row, err
	}
	if row.Status, err = x.Status(); err != nil {
		return row, err
	}
	row.State, err = x.JSON()
	return row, err
}

// rowOf is the stored form of registration resumeID as the execution
// holds it now.
func rowOf(wf *prana.Workflow, x *prana.Execution, resumeID string) (RegistrationRow, error) {
	j, err := x.RegistrationJSON(wf, resumeID)
	if err != nil {
		return RegistrationRow{}, err
	}
	reg, err := prana.RegistrationFromJSON(j)
	if err != nil {
		return RegistrationRow{}, err
	}
	defer reg.Close()
	return registrationRow(reg)
}

// changesFor is what to store after a call: the row of the transition the
// host applied before it (nil for none; its status is already applied.To),
// then every transition the call returned, in order, each with its row
// from the execution. Nothing is skipped or patched.
func changesFor(wf *prana.Workflow, x *prana.Execution, applied *prana.Transition, ts []prana.Transition) ([]Change, error) {
	out := make([]Change, 0, len(ts)+1)
	if applied != nil {
		row, err := rowOf(wf, x, applied.ResumeID)
		if err != nil {
			return nil, err
		}
		out = append(out, Change{From: applied.To, To: applied.To, Row: row})
	}
	for _, t := range ts {
		row, err := rowOf(wf, x, t.ResumeID)
		if err != nil {
			return nil, err
		}
		out = append(out, Change{From: t.From, To: t.To, Row: row})
	}
	return out, nil
}
