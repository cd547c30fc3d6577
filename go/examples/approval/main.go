// Command approval is a small approval service on webhookhttp and
// PostgreSQL: POST /webhook/workflow/trigger/approval starts an approval,
// the "notify" node prints the signed resume URL (where a real service
// would send an email). Opened in a browser the URL shows an approval page
// (a GET never changes anything); Approve resumes, Reject posts to the
// cancel URL and the "rejected" node runs. After the timeout a sweeper
// expires the wait and the "escalate" node runs. See README.md.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	prana "example.invalid/prana-webhook/go"
	"example.invalid/prana-webhook/go/webhookhttp"
	_ "github.com/lib/pq"
)

const workflow = `{"id": "approval", "nodes": [
  {"key": "trigger", "type": "trigger"},
  {"key": "notify", "type": "notify",
   "params": {"text": "open {{ $execution.wait_approval.resume_url }} in a browser, or POST JSON to it"}},
  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 24,
   "webhook_config": {"title": "Approve the expense?", "description": "Open this page to approve or reject."}}},
  {"key": "approved", "type": "record"},
  {"key": "rejected", "type": "record"},
  {"key": "escalate", "type": "record"}],
 "connections": [{"from": "trigger", "to": "notify"}, {"from": "notify", "to": "wait_approval"},
                 {"from": "wait_approval", "port": "main", "to": "approved"},
                 {"from": "wait_approval", "port": "cancel", "to": "rejected"},
                 {"from": "wait_approval", "port": "timeout", "to": "escalate"}]}`

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	baseURL := flag.String("base-url", "http://127.0.0.1:8080", "public base URL of the webhook URLs")
	dsn := flag.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL connection string (default $DATABASE_URL)")
	sweep := flag.Duration("sweep", 30*time.Second, "how often expired waits are expired")
	getResumes := flag.Bool("get-resumes", false,
		"a GET on a resume URL resumes (old behaviour; link scanners in mail and chat will approve)")
	flag.Parse()
	secret := os.Getenv("PRANA_SIGNING_SECRET")
	if *dsn == "" || len(secret) < 16 {
		log.Fatal("set -dsn (or DATABASE_URL) and PRANA_SIGNING_SECRET (at least 16 bytes)")
	}
	if err := run(*addr, *baseURL, *dsn, secret, *sweep, *getResumes); err != nil {
		log.Fatal(err)
	}
}

func run(addr, baseURL, dsn, secret string, sweep time.Duration, getResumes bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store := webhookhttp.NewSQLStore(db)
	if err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	base, err := prana.NewBaseURL(baseURL)
	if err != nil {
		return err
	}
	defer base.Close()
	keys, err := prana.NewKeySet()
	if err != nil {
		return err
	}
	defer keys.Close()
	if err := keys.Add("k1", []byte(secret)); err != nil {
		return err
	}
	wf, err := prana.NewWorkflow([]byte(workflow))
	if err != nil {
		return err
	}
	defer wf.Close()

	h, err := webhookhttp.New(webhookhttp.Config{BaseURL: base, Store: store, Keys: keys,
		SignaturePolicy: prana.SignatureRequired, GetConsumes: getResumes})
	if err != nil {
		return err
	}
	defer h.Close()
	h.AddWorkflow(wf)
	h.HandleNode("notify", func(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
		var p struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(c.Params, &p); err != nil {
			return prana.NodeResult{}, err
		}
		fmt.Printf("execution %s: %s\n", c.ExecutionID, p.Text)
		return prana.NodeResult{Output: c.Input}, nil
	})
	h.HandleNode("record", func(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
		fmt.Printf("execution %s: %s with %s\n", c.ExecutionID, c.NodeID, c.Input)
		return prana.NodeResult{Output: c.Input}, nil
	})

	go func() {
		t := time.NewTicker(sweep)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if n, err := h.ExpireDue(ctx, 100); err != nil {
					log.Printf("expire: %v", err)
				} else if n > 0 {
					log.Printf("expired %d waits", n)
				}
			}
		}
	}()

	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("approval service on %s, webhook URLs under %s", addr, base)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
