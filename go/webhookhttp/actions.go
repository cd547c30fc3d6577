package webhookhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	prana "example.invalid/prana-webhook/go"
)

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page := wantsPage(r)
	pre, err := h.cfg.BaseURL.PrecheckRequest(r, h.cfg.MaxPayload)
	if err != nil {
		h.fail(w, page, internal("internal_error", err))
		return
	}
	if !pre.Accepted && r.Method == http.MethodGet && pre.Answer.Code == "method_not_allowed" {
		// A GET on a cancel URL reads, as on a resume URL; the library's
		// precheck takes only POST there, so check it as the POST it
		// shows a page for.
		if rt, err := h.cfg.BaseURL.ParseTarget(r.RequestURI); err == nil && rt.Kind == prana.RouteCancel {
			pre, err = h.cfg.BaseURL.Precheck(http.MethodPost, r.RequestURI, 0, h.cfg.MaxPayload)
			if err != nil {
				h.fail(w, page, internal("internal_error", err))
				return
			}
		}
	}
	if !pre.Accepted {
		h.fail(w, page, answerErr(pre.Answer))
		return
	}
	body, err := h.readBody(r)
	if err != nil {
		h.fail(w, page, err)
		return
	}
	route := pre.Route
	switch route.Kind {
	case prana.RouteTrigger:
		res, err := h.trigger(r, route.ID, body)
		h.reply(w, false, prana.PageDone, res, err)
	case prana.RouteResume, prana.RouteCancel:
		if r.Method == http.MethodGet && (!h.cfg.GetConsumes || route.Kind == prana.RouteCancel) {
			h.read(w, r, route, page)
			return
		}
		h.act(w, r, route, body, page)
	case prana.RouteExtend:
		h.extend(w, r, route, body)
	default:
		h.fail(w, page, &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such webhook route"})
	}
}

// wantsPage reports whether the answer is for a person: a GET from a
// browser (Accept asks for HTML) or the POST of the page's form.
func wantsPage(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet:
		return prana.AcceptsHTML(r.Header.Get("Accept"))
	case http.MethodPost:
		return isForm(r)
	}
	return false
}

func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// readBody reads the body up to MaxPayload.
func (h *Handler) readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, h.cfg.MaxPayload))
	if err == nil {
		return body, nil
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		// A body without Content-Length: precheck again with a size over
		// the limit for the library's own answer.
		again, perr := h.cfg.BaseURL.Precheck(r.Method, r.RequestURI, h.cfg.MaxPayload+1, h.cfg.MaxPayload)
		if perr == nil && !again.Accepted {
			return nil, answerErr(again.Answer)
		}
	}
	return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_body", Message: err.Error(), Err: err}
}

// actionURL is the resume, cancel or extend URL of a resume ID, signed
// when the handler has keys.
func (h *Handler) actionURL(action prana.RouteKind, resumeID string) (string, error) {
	if h.cfg.Keys != nil {
		return h.cfg.Keys.SignedURL(h.cfg.BaseURL, action, resumeID)
	}
	return h.cfg.BaseURL.ActionURL(action, resumeID)
}

// lookup is steps 1-2 of the protocol after the precheck: the signature
// in the route's own domain, then the stored row (reg nil when there is
// none). Close reg when it is not nil.
func (h *Handler) lookup(ctx context.Context, route prana.Route) (RegistrationRow, *prana.Registration, error) {
	check, err := h.keys.Verify(route.Kind, h.cfg.SignaturePolicy, route.ID, route.Query)
	if err != nil {
		return RegistrationRow{}, nil, internal("internal_error", err)
	}
	if !check.Accepted {
		return RegistrationRow{}, nil, answerErr(check.Answer)
	}
	row, err := h.cfg.Store.Registration(ctx, route.ID)
	switch {
	case err == nil:
		reg, err := prana.RegistrationFromJSON(row.JSON)
		if err != nil {
			return row, nil, internal("bad_stored_row", err)
		}
		return row, reg, nil
	case errors.Is(err, prana.ErrNotFound):
		return row, nil, nil
	default:
		return row, nil, storeErr(err)
	}
}

// read answers a GET on a resume or cancel URL without changing anything:
// the wait's page for a browser, its JSON description otherwise.
func (h *Handler) read(w http.ResponseWriter, r *http.Request, route prana.Route, page bool) {
	_, reg, err := h.lookup(r.Context(), route)
	if err != nil {
		h.fail(w, page, err)
		return
	}
	if reg == nil {
		d, derr := prana.DecideResume(route.ID, nil, h.cfg.Now())
		if derr != nil {
			h.fail(w, page, internal("internal_error", derr))
			return
		}
		h.fail(w, page, answerErr(d.Answer))
		return
	}
	defer reg.Close()
	now := h.cfg.Now()
	if !page {
		desc, err := reg.Describe(now)
		if err != nil {
			h.fail(w, false, internal("internal_error", err))
			return
		}
		prana.SetSecurityHeaders(w.Header())
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(desc)
		return
	}
	// A page only for a wait that can still be answered.
	d, err := prana.DecideResume(route.ID, reg, now)
	if err != nil {
		h.fail(w, true, internal("internal_error", err))
		return
	}
	if !d.Resume {
		h.fail(w, true, answerErr(d.Answer))
		return
	}
	h.waitPage(w, route.ID, reg, nil)
}

// waitPage renders the wait's page: a first visit (submitted nil, 200) or
// a refused form submission shown again with what is wrong (422).
func (h *Handler) waitPage(w http.ResponseWriter, resumeID string, reg *prana.Registration, submitted []byte) {
	cfg, err := reg.WebhookConfig()
	if err != nil {
		h.fail(w, true, internal("internal_error", err))
		return
	}
	resumeURL, err := h.actionURL(prana.RouteResume, resumeID)
	if err != nil {
		h.fail(w, true, internal("internal_error", err))
		return
	}
	cancelURL, err := h.actionURL(prana.RouteCancel, resumeID)
	if err != nil {
		h.fail(w, true, internal("internal_error", err))
		return
	}
	html, err := prana.RenderWaitPage(cfg, resumeURL, cancelURL, submitted)
	if err != nil {
		h.fail(w, true, internal("page_failed", err))
		return
	}
	status := http.StatusOK
	if submitted != nil {
		status = http.StatusUnprocessableEntity
	}
	writeHTML(w, status, html)
}

// act is a POST (or, with GetConsumes, a GET) on a resume or cancel URL:
// decide, compare-and-set, load state, resume or cancel, store rows.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, route prana.Route, body []byte, page bool) {
	ctx := r.Context()
	cancel := route.Kind == prana.RouteCancel
	row, reg, err := h.lookup(ctx, route)
	if err != nil {
		h.fail(w, page, err)
		return
	}
	if reg != nil {
		defer reg.Close()
	}
	// 3. decide.
	now := h.cfg.Now()
	decide := prana.DecideResume
	if cancel {
		decide = prana.CancelDecide
	}
	d, err := decide(route.ID, reg, now)
	if err != nil {
		h.fail(w, page, internal("internal_error", err))
		return
	}
	if !d.Resume {
		h.fail(w, page, answerErr(d.Answer))
		return
	}
	// The resume payload, before anything changes: a form the page refuses
	// keeps the wait active.
	var payload []byte
	if !cancel {
		if isForm(r) {
			cfg, err := reg.WebhookConfig()
			if err != nil {
				h.fail(w, page, internal("internal_error", err))
				return
			}
			if payload, err = prana.DecodeForm(cfg, body); errors.Is(err, prana.ErrFormInvalid) {
				h.waitPage(w, route.ID, reg, body)
				return
			} else if err != nil {
				h.fail(w, page, &Error{Status: http.StatusBadRequest, Code: "invalid_form", Message: err.Error(), Err: err})
				return
			}
		} else if payload, err = resumePayload(route.Query, body); err != nil {
			h.fail(w, page, err)
			return
		}
	}
	// 4. compare-and-set active → consumed, with the consumed row.
	if _, err := reg.Consume(now); err != nil {
		h.fail(w, page, internal("internal_error", err))
		return
	}
	consumed, err := registrationRow(reg)
	if err != nil {
		h.fail(w, page, internal("internal_error", err))
		return
	}
	won, err := h.cfg.Store.CompareAndSet(ctx, Change{From: d.Transition.From, To: d.Transition.To, Row: consumed})
	if err != nil {
		h.fail(w, page, storeErr(err))
		return
	}
	if !won {
		h.fail(w, page, answerErr(prana.LostRaceAnswer()))
		return
	}
	// 5-7. The registration is consumed: from here a failure leaves the
	// execution waiting on a used URL, so it is logged loudly.
	applied := d.Transition
	res, err := h.continueAfter(ctx, row.ExecutionID, &applied, func(wf *prana.Workflow, x *prana.Execution) (prana.RunResult, error) {
		if cancel {
			return x.Cancel(ctx, wf, h.runNode, applied, now)
		}
		return x.Resume(ctx, wf, h.runNode, applied, payload, now)
	})
	if err != nil {
		h.cfg.Logger.Printf("webhookhttp: %s consumed but not continued: %v", route.ID, err)
	}
	done := prana.PageDone
	if cancel {
		done = prana.PageRejected
	}
	h.reply(w, page, done, res, err)
}

// ExtendResult is what an extend answers with 200.
type ExtendResult struct {
	ResumeID  string    `json:"resume_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

// extend is a POST on an extend URL: the library decides and moves the
// expiry, the execution records it, and the store saves the state and the
// row together with a compare-and-set on the old expiry.
func (h *Handler) extend(w http.ResponseWriter, r *http.Request, route prana.Route, body []byte) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		h.fail(w, false, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: "an extend URL takes POST"})
		return
	}
	row, reg, err := h.lookup(ctx, route)
	if err != nil {
		h.fail(w, false, err)
		return
	}
	if reg != nil {
		defer reg.Close()
	}
	ext, err := reg.Extend(route.ID, body, h.cfg.Now())
	if err != nil {
		h.fail(w, false, internal("internal_error", err))
		return
	}
	if !ext.Extended {
		h.fail(w, false, answerErr(ext.Answer))
		return
	}
	if err := h.extendExecution(ctx, row.ExecutionID, ext); err != nil {
		h.fail(w, false, err)
		return
	}
	writeJSON(w, http.StatusOK, ExtendResult{ResumeID: ext.ResumeID, ExpiresAt: ext.To})
}

// extendExecution records an extension in the execution and saves the
// state with the library's row of the registration, the row's change a
// compare-and-set on the old expiry (active → active): a resume, cancel,
// expiry or extension that landed first makes it a lost race, and nothing
// is saved.
func (h *Handler) extendExecution(ctx context.Context, executionID string, ext prana.Extension) error {
	exec, err := h.cfg.Store.Execution(ctx, executionID)
	if err != nil {
		return storeErr(err)
	}
	wf := h.workflow(exec.WorkflowID)
	if wf == nil {
		return &Error{Status: http.StatusInternalServerError, Code: "workflow_not_found",
			Message: fmt.Sprintf("execution %s runs workflow %q, which this handler does not serve", executionID, exec.WorkflowID)}
	}
	x, err := prana.ExecutionFromJSON(exec.State, prana.WithMaxPayload(int(h.cfg.MaxPayload)))
	if err != nil {
		return internal("bad_stored_state", err)
	}
	defer x.Close()
	if err := x.Extend(ext); err != nil {
		// The execution no longer waits there: it moved on meanwhile.
		if errors.Is(err, prana.ErrNotApplied) {
			return answerErr(prana.LostRaceAnswer())
		}
		return internal("extend_failed", err)
	}
	row, err := rowOf(wf, x, ext.ResumeID)
	if err != nil {
		return internal("internal_error", err)
	}
	saved, err := executionRow(x)
	if err != nil {
		return internal("internal_error", err)
	}
	err = h.cfg.Store.Save(ctx, saved, []Change{{From: prana.Active, To: prana.Active, FromExpiresAt: ext.From, Row: row}})
	if errors.Is(err, ErrConflict) {
		return answerErr(prana.LostRaceAnswer())
	}
	if err != nil {
		return storeErr(err)
	}
	return nil
}

// reply answers a request that got as far as a result.
func (h *Handler) reply(w http.ResponseWriter, page bool, done prana.ResultPage, res *Result, err error) {
	if err != nil {
		h.fail(w, page, err)
		return
	}
	if page {
		h.resultPage(w, done)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// fail answers a rejection: its result page when the request is a
// person's and a page describes it, else JSON.
func (h *Handler) fail(w http.ResponseWriter, page bool, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = internal("internal_error", err)
	}
	if page {
		if p, ok := prana.ResultPageOf(prana.HTTPAnswer{Status: e.Status, Code: e.Code}); ok {
			h.resultPage(w, p)
			return
		}
	}
	writeJSON(w, e.Status, map[string]string{"error": e.Code, "message": e.Message})
}

func (h *Handler) resultPage(w http.ResponseWriter, p prana.ResultPage) {
	html, status, err := prana.RenderResultPage(p)
	if err != nil {
		h.fail(w, false, internal("page_failed", err))
		return
	}
	writeHTML(w, status, html)
}

func writeHTML(w http.ResponseWriter, status int, html []byte) {
	prana.SetSecurityHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(html)
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// resumePayload is the JSON a resume continues with: the body, or for an
// API call without one (GetConsumes) the query parameters other than sig
// as a JSON object of strings.
func resumePayload(query string, body []byte) ([]byte, error) {
	if len(body) > 0 {
		if err := prana.ValidateJSON(body); err != nil {
			return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: err.Error(), Err: err}
		}
		return body, nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_query", Message: err.Error(), Err: err}
	}
	obj := map[string]string{}
	for k, v := range values {
		if k != "sig" && len(v) > 0 {
			obj[k] = v[0]
		}
	}
	return json.Marshal(obj)
}
