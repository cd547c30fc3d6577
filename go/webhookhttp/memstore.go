package webhookhttp

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	prana "example.invalid/prana-webhook/go"
)

// MemoryStore is a Store in process memory, for tests and demos: nothing
// survives the process. Safe for concurrent use.
type MemoryStore struct {
	mu    sync.Mutex
	execs map[string]ExecutionRow
	regs  map[string]RegistrationRow
}

// NewMemoryStore makes an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{execs: map[string]ExecutionRow{}, regs: map[string]RegistrationRow{}}
}

// Create implements Store.
func (m *MemoryStore) Create(_ context.Context, exec ExecutionRow, regs []RegistrationRow) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.execs[exec.ID]; dup {
		return fmt.Errorf("webhookhttp: execution %q exists", exec.ID)
	}
	for _, r := range regs {
		if _, dup := m.regs[r.ResumeID]; dup {
			return fmt.Errorf("webhookhttp: registration %q exists", r.ResumeID)
		}
	}
	m.execs[exec.ID] = exec
	for _, r := range regs {
		m.regs[r.ResumeID] = r
	}
	return nil
}

// Registration implements Store.
func (m *MemoryStore) Registration(_ context.Context, resumeID string) (RegistrationRow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.regs[resumeID]
	if !ok {
		return RegistrationRow{}, fmt.Errorf("registration %q: %w", resumeID, prana.ErrNotFound)
	}
	return r, nil
}

// CompareAndSet implements Store.
func (m *MemoryStore) CompareAndSet(_ context.Context, c Change) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.regs[c.Row.ResumeID]
	if !ok || cur.Status != c.From || (!c.FromExpiresAt.IsZero() && !cur.ExpiresAt.Equal(c.FromExpiresAt)) {
		return false, nil
	}
	row := c.Row
	row.Status = c.To
	m.regs[c.Row.ResumeID] = row
	return true, nil
}

// Execution implements Store.
func (m *MemoryStore) Execution(_ context.Context, id string) (ExecutionRow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.execs[id]
	if !ok {
		return ExecutionRow{}, fmt.Errorf("execution %q: %w", id, prana.ErrNotFound)
	}
	return e, nil
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, exec ExecutionRow, changes []Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.execs[exec.ID]; !ok {
		return fmt.Errorf("execution %q: %w", exec.ID, prana.ErrNotFound)
	}
	// Changes may name one row twice (pending → active → expired): check
	// them in order against a scratch copy.
	scratch := map[string]prana.LifecycleStatus{}
	for _, c := range changes {
		st, seen := scratch[c.Row.ResumeID]
		if !seen {
			cur, ok := m.regs[c.Row.ResumeID]
			if !ok {
				return fmt.Errorf("registration %q: %w", c.Row.ResumeID, ErrConflict)
			}
			st = cur.Status
		}
		if st != c.From {
			return fmt.Errorf("registration %q is %s, not %s: %w", c.Row.ResumeID, st, c.From, ErrConflict)
		}
		if !c.FromExpiresAt.IsZero() && !m.regs[c.Row.ResumeID].ExpiresAt.Equal(c.FromExpiresAt) {
			return fmt.Errorf("registration %q was extended: %w", c.Row.ResumeID, ErrConflict)
		}
		scratch[c.Row.ResumeID] = c.To
	}
	m.execs[exec.ID] = exec
	for _, c := range changes {
		row := c.Row
		row.Status = c.To
		m.regs[c.Row.ResumeID] = row
	}
	return nil
}

// Due implements Store.
func (m *MemoryStore) Due(_ context.Context, now time.Time, limit int) ([]RegistrationRow, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []RegistrationRow
	for _, r := range m.regs {
		if r.Status == prana.Active && !r.ExpiresAt.IsZero() && !r.ExpiresAt.After(now) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ExpiresAt.Before(out[j].ExpiresAt) })
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Registrations lists the registrations of an execution (for tests and
// inspection), ordered by node id.
func (m *MemoryStore) Registrations(executionID string) []RegistrationRow {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []RegistrationRow
	for _, r := range m.regs {
		if r.ExecutionID == executionID {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].NodeID < out[j].NodeID })
	return out
}
