package webhookhttp

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	prana "example.invalid/prana-webhook/go"
)

//go:embed migrations/*.postgres.sql
var migrations embed.FS

// SQLStore is a Store over database/sql with the PostgreSQL schema of
// Migrate. The package imports no driver: open db with the one you use
// (github.com/lib/pq, github.com/jackc/pgx/v5/stdlib, ...). Every
// compare-and-set runs inside a transaction (UPDATE … WHERE status = from,
// exactly one row or nothing), so any number of processes may share the
// database. Safe for concurrent use.
type SQLStore struct {
	db *sql.DB
}

// NewSQLStore wraps db. Call Migrate before the first request.
func NewSQLStore(db *sql.DB) *SQLStore { return &SQLStore{db: db} }

// SchemaVersion is the schema version Migrate brings a database to.
func SchemaVersion() int {
	names, _ := migrationNames()
	return len(names)
}

func migrationNames() ([]string, error) {
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

// Migrate creates or upgrades the schema (tables prana_executions,
// prana_registrations, prana_schema_migrations) to SchemaVersion. It is
// safe to call from several processes at once: an advisory lock
// serializes them, and a version already applied is skipped.
func (s *SQLStore) Migrate(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		// The key is fixed: the CRC-32 of "prana_webhook.migrate".
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(2286242452)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS prana_schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM prana_schema_migrations`).Scan(&have); err != nil {
			return err
		}
		if have > len(names) {
			return fmt.Errorf("webhookhttp: the database schema is version %d, newer than this program's %d", have, len(names))
		}
		for i := have; i < len(names); i++ {
			text, err := migrations.ReadFile("migrations/" + names[i])
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(text)); err != nil {
				return fmt.Errorf("webhookhttp: migration %s: %w", names[i], err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO prana_schema_migrations (version, name) VALUES ($1, $2)`, i+1, names[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *SQLStore) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// Create implements Store.
func (s *SQLStore) Create(ctx context.Context, exec ExecutionRow, regs []RegistrationRow) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO prana_executions (id, workflow_id, status, state)
			VALUES ($1, $2, $3, $4)`, exec.ID, exec.WorkflowID, exec.Status.String(), string(exec.State)); err != nil {
			return err
		}
		for _, r := range regs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO prana_registrations
				(resume_id, execution_id, node_id, status, expires_at, row_json)
				VALUES ($1, $2, $3, $4, $5, $6)`, r.ResumeID, r.ExecutionID, r.NodeID,
				r.Status.String(), nullTime(r.ExpiresAt), string(r.JSON)); err != nil {
				return err
			}
		}
		return nil
	})
}

type scanner interface{ Scan(...interface{}) error }

func scanRegistration(row scanner) (RegistrationRow, error) {
	var r RegistrationRow
	var status, js string
	var exp sql.NullTime
	if err := row.Scan(&r.ResumeID, &r.ExecutionID, &r.NodeID, &status, &exp, &js); err != nil {
		return r, err
	}
	st, err := prana.ParseLifecycleStatus(status)
	if err != nil {
		return r, err
	}
	r.Status, r.JSON = st, []byte(js)
	if exp.Valid {
		r.ExpiresAt = exp.Time
	}
	return r, nil
}

const registrationColumns = `resume_id, execution_id, node_id, status, expires_at, row_json`

// Registration implements Store.
func (s *SQLStore) Registration(ctx context.Context, resumeID string) (RegistrationRow, error) {
	r, err := scanRegistration(s.db.QueryRowContext(ctx,
		`SELECT `+registrationColumns+` FROM prana_registrations WHERE resume_id = $1`, resumeID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("registration %q: %w", resumeID, prana.ErrNotFound)
	}
	return r, err
}

// casChange applies one change: exactly one row or nothing.
func casChange(ctx context.Context, tx *sql.Tx, c Change) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE prana_registrations
		SET status = $1, expires_at = $2, row_json = $3
		WHERE resume_id = $4 AND status = $5
		  AND ($6::timestamptz IS NULL OR expires_at = $6::timestamptz)`,
		c.To.String(), nullTime(c.Row.ExpiresAt), string(c.Row.JSON), c.Row.ResumeID, c.From.String(),
		nullTime(c.FromExpiresAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CompareAndSet implements Store.
func (s *SQLStore) CompareAndSet(ctx context.Context, c Change) (bool, error) {
	won := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		won, err = casChange(ctx, tx, c)
		return err
	})
	return won, err
}

// Execution implements Store.
func (s *SQLStore) Execution(ctx context.Context, id string) (ExecutionRow, error) {
	var e ExecutionRow
	var status, state string
	err := s.db.QueryRowContext(ctx, `SELECT id, workflow_id, status, state FROM prana_executions WHERE id = $1`, id).
		Scan(&e.ID, &e.WorkflowID, &status, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("execution %q: %w", id, prana.ErrNotFound)
	}
	if err != nil {
		return e, err
	}
	if e.Status, err = parseRunStatus(status); err != nil {
		return e, err
	}
	e.State = []byte(state)
	return e, nil
}

var runStatuses = []prana.RunStatus{prana.ExecutionCreated, prana.ExecutionSuspended,
	prana.ExecutionCompleted, prana.ExecutionFailed, prana.ExecutionCancelled}

func parseRunStatus(name string) (prana.RunStatus, error) {
	for _, s := range runStatuses {
		if s.String() == name {
			return s, nil
		}
	}
	return 0, fmt.Errorf("webhookhttp: unknown execution status %s", strconv.Quote(name))
}

// Save implements Store.
func (s *SQLStore) Save(ctx context.Context, exec ExecutionRow, changes []Change) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE prana_executions SET status = $1, state = $2, updated_at = now()
			WHERE id = $3`, exec.Status.String(), string(exec.State), exec.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fmt.Errorf("execution %q: %w", exec.ID, prana.ErrNotFound)
		}
		for _, c := range changes {
			ok, err := casChange(ctx, tx, c)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("registration %q is no longer %s: %w", c.Row.ResumeID, c.From, ErrConflict)
			}
		}
		return nil
	})
}

// Due implements Store.
func (s *SQLStore) Due(ctx context.Context, now time.Time, limit int) ([]RegistrationRow, error) {
	q := `SELECT ` + registrationColumns + ` FROM prana_registrations
		WHERE status = 'active' AND expires_at <= $1 ORDER BY expires_at`
	args := []interface{}{now}
	if limit >= 0 {
		q += ` LIMIT $2`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RegistrationRow
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Registrations lists the registrations of an execution ordered by node
// id (for inspection and tests).
func (s *SQLStore) Registrations(ctx context.Context, executionID string) ([]RegistrationRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+registrationColumns+` FROM prana_registrations
		WHERE execution_id = $1 ORDER BY node_id`, executionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RegistrationRow
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
