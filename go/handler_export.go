package prana

/*
#include <stdbool.h>
#include "prana_webhook.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

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

// pranaGoNodeHandler is the C node handler for every Go execution call:
// user_data points to a C-allocated cgo.Handle of the Go NodeHandler.
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
	h := cgo.Handle(*(*C.uintptr_t)(userData)).Value().(NodeHandler)
	nc := NodeCall{
		ExecutionID: cstrView(callPtr.execution_id),
		WorkflowID:  cstrView(callPtr.workflow_id),
		NodeID:      cstrView(callPtr.node_id),
		NodeType:    cstrView(callPtr.node_type),
		Params:      cstrView(callPtr.params),
		Input:       cstrView(callPtr.input),
		Now:         uint64(callPtr.now),
	}
	res, err := h(nc)
	if err != nil {
		if ne, isNE := err.(*NodeError); isNE {
			return fail(ne.Code, ne.Message)
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
