package webhookhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	prana "example.invalid/prana-webhook/go"
	"example.invalid/prana-webhook/go/webhookhttp"
)

// A handler over a MemoryStore: trigger, then resume twice.
func ExampleHandler() {
	srv := httptest.NewUnstartedServer(nil)
	base, _ := prana.NewBaseURL("http://" + srv.Listener.Addr().String())
	defer base.Close()
	keys, _ := prana.NewKeySet()
	defer keys.Close()
	_ = keys.Add("k1", []byte("a secret of at least 16 bytes"))
	wf, _ := prana.NewWorkflow([]byte(`{"id": "approval", "nodes": [
	  {"key": "trigger", "type": "trigger"},
	  {"key": "wait_approval", "type": "wait", "params": {"mode": "webhook", "timeout_hours": 24}},
	  {"key": "done", "type": "record"}],
	 "connections": [{"from": "trigger", "to": "wait_approval"}, {"from": "wait_approval", "to": "done"}]}`))
	defer wf.Close()

	h, err := webhookhttp.New(webhookhttp.Config{BaseURL: base, Store: webhookhttp.NewMemoryStore(), Keys: keys})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close()
	h.AddWorkflow(wf)
	h.HandleNode("record", func(_ context.Context, c prana.NodeCall) (prana.NodeResult, error) {
		return prana.NodeResult{Output: c.Input}, nil
	})
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()

	post := func(url, body string) map[string]json.RawMessage {
		resp, err := http.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var m map[string]json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&m)
		fmt.Println(resp.StatusCode, string(m["status"])+string(m["error"]))
		return m
	}
	started := post(srv.URL+"/webhook/workflow/trigger/approval", `{"amount": 12}`)
	var urls map[string]string
	_ = json.Unmarshal(started["resume_urls"], &urls)
	done := post(urls["wait_approval"], `{"approved": true}`)
	fmt.Println(string(done["output"]))
	post(urls["wait_approval"], `{"approved": false}`)
	// Output:
	// 200 "suspended"
	// 200 "completed"
	// {"approved":true}
	// 409 "webhook_already_used"
}
