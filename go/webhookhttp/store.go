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

// Change is a registration row to write with compare-and-set: the stored
// row must still have status From.
type Change struct {
	From prana.LifecycleStatus
	Row  RegistrationRow
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
	// CompareAndSet replaces the registration row.ResumeID with row where
	// its stored status is from, and reports whether it did.
	CompareAndSet(ctx context.Context, from prana.LifecycleStatus, row RegistrationRow) (bool, error)
	// Execution returns the execution with this id, or an error matching
	// prana.ErrNotFound.
	Execution(ctx context.Context, id string) (ExecutionRow, error)
	// Save stores the execution's new state and applies every change with
	// compare-and-set, all or nothing; a lost compare-and-set is ErrConflict.
	Save(ctx context.Context, exec ExecutionRow, changes []Change) error
	// Due lists up to limit active registrations whose expiry is at or
	// before now, earliest first.
	Due(ctx context.Context, now time.Time, limit int) ([]RegistrationRow, error)
	// Extension point: extending a wait (a heartbeat) will be a
	// CompareAndSet from active to active with a later ExpiresAt; it needs
	// no new Store method.
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

// changesFor is the rows of the execution's registrations named by the
// transitions, in order, as the execution holds them after the call that
// returned the transitions.
func changesFor(x *prana.Execution, ts []prana.Transition) ([]Change, error) {
	if len(ts) == 0 {
		return nil, nil
	}
	regs, err := x.Registrations()
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range regs {
			_ = r.Close()
		}
	}()
	rows := make(map[string]RegistrationRow, len(regs))
	for _, r := range regs {
		row, err := registrationRow(r)
		if err != nil {
			return nil, err
		}
		rows[row.ResumeID] = row
	}
	out := make([]Change, 0, len(ts))
	for _, t := range ts {
		row, ok := rows[t.ResumeID]
		if !ok {
			return nil, errors.New("webhookhttp: a transition names a registration the execution does not hold: " + t.ResumeID)
		}
		if row.Status != t.To {
			return nil, errors.New("webhookhttp: registration " + t.ResumeID + " is " + row.Status.String() + " after a transition to " + t.To.String())
		}
		out = append(out, Change{From: t.From, Row: row})
	}
	return out, nil
}
