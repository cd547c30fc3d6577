package prana

/*
#include <stdbool.h>
#include "prana_webhook.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/cgo"
	"time"
	"unsafe"
)

// NodeCall is what a node handler is asked to run.
type NodeCall struct {
	ExecutionID, WorkflowID, NodeID, NodeType string
	Params                                    json.RawMessage // JSON object, $execution expressions rendered
	Input                                     json.RawMessage // the previous node's output
	Now                                       time.Time
}

// NodeResult is a handler's output: a JSON value and a port ("" = "main").
type NodeResult struct {
	Output json.RawMessage
	Port   string
}

// NodeError fails a node with a code and a message.
type NodeError struct {
	Code, Message string
}

func (e *NodeError) Error() string { return e.Code + ": " + e.Message }

// NodeHandler runs every node whose type is not wait or trigger. Returning
// an error fails the execution at that node (a *NodeError keeps its code;
// a context error fails it with code "cancelled"). ctx is the context
// given to Run, Resume, Expire or ResumeTimer.
type NodeHandler func(ctx context.Context, call NodeCall) (NodeResult, error)

// handlerCall is what the C user_data's cgo.Handle refers to.
type handlerCall struct {
	ctx context.Context
	h   NodeHandler
}

func copyToCArray(dst []C.char, s string) {
	n := len(s)
	if n > len(dst)-1 {
		n = len(dst) - 1
	}
	for i := 0; i < n; i++ {
		dst[i] = C.char(s[i])
	}
	dst[n] = 0
}

func cstrView(s C.prana_str) string { return C.GoStringN(s.ptr, C.int(s.len)) }

func rawView(s C.prana_str) json.RawMessage { return C.GoBytes(unsafe.Pointer(s.ptr), C.int(s.len)) }

// pranaGoNodeHandler is the C node handler for every Go execution call:
// user_data points to a C-allocated cgo.Handle of a handlerCall.
//
//export pranaGoNodeHandler
func pranaGoNodeHandler(userData unsafe.Pointer, callPtr *C.prana_node_call, output *C.char, outputCap C.size_t, result *C.prana_node_result) (ok C.bool) {
	fail := func(code, msg string) C.bool {
		copyToCArray(result.error_code[:], code)
		copyToCArray(result.error_message[:], msg)
		return false
	}
	defer func() {
		if r := recover(); r != nil {
			ok = fail("handler_panic", fmt.Sprint(r))
		}
	}()
	hc := cgo.Handle(*(*C.uintptr_t)(userData)).Value().(*handlerCall)
	if err := hc.ctx.Err(); err != nil {
		return fail("cancelled", err.Error())
	}
	nc := NodeCall{
		ExecutionID: cstrView(callPtr.execution_id),
		WorkflowID:  cstrView(callPtr.workflow_id),
		NodeID:      cstrView(callPtr.node_id),
		NodeType:    cstrView(callPtr.node_type),
		Params:      rawView(callPtr.params),
		Input:       rawView(callPtr.input),
		Now:         fromMillis(uint64(callPtr.now)),
	}
	res, err := hc.h(hc.ctx, nc)
	if err != nil {
		var ne *NodeError
		switch {
		case errors.As(err, &ne):
			return fail(ne.Code, ne.Message)
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return fail("cancelled", err.Error())
		}
		return fail("node_failed", err.Error())
	}
	if len(res.Output) > int(outputCap) {
		result.output_len = outputCap + 1 // the library fails the node: invalid_node_output
		return true
	}
	if len(res.Output) > 0 {
		dst := unsafe.Slice((*byte)(unsafe.Pointer(output)), int(outputCap))
		copy(dst, res.Output)
	}
	result.output_len = C.size_t(len(res.Output))
	if res.Port != "" {
		if len(res.Port) >= len(result.port) {
			return fail("invalid_port", "an output port must be 1-32 bytes of [a-z0-9_]")
		}
		copyToCArray(result.port[:], res.Port)
	}
	return true
}
