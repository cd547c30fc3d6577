package prana

import (
	"strings"
	"testing"
)

func TestJSONValidate(t *testing.T) {
	if err := ValidateJSON([]byte(` {"a": [1, "\u00e9", null]} `)); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, ValidateJSON([]byte("")), StatusInvalidJSON)
	wantStatus(t, ValidateJSON([]byte("[1,]")), StatusInvalidJSON)
	wantStatus(t, ValidateJSON([]byte("\"\xff\"")), StatusInvalidUTF8)
	wantStatus(t, ValidateJSON([]byte("{}\x00")), StatusEmbeddedNUL)
}

func TestJSONFindMember(t *testing.T) {
	obj := ` {"message": "hi \"x\"", "n": 1, "k\u00e9y": {"a": [2]}, "n": 2} `
	v, ok, err := FindJSONMember([]byte(obj), "message")
	if err != nil || !ok || string(v) != `"hi \"x\""` {
		t.Fatalf("%q %v %v", v, ok, err)
	}
	if v, ok, _ := FindJSONMember([]byte(obj), "n"); !ok || string(v) != "1" {
		t.Fatalf("first occurrence: %q %v", v, ok)
	}
	if v, ok, _ := FindJSONMember([]byte(obj), "kéy"); !ok || string(v) != `{"a": [2]}` {
		t.Fatalf("decoded key: %q %v", v, ok)
	}
	if v, ok, err := FindJSONMember([]byte(obj), "a"); err != nil || ok || v != nil {
		t.Fatalf("absent: %q %v %v", v, ok, err)
	}
	_, _, err = FindJSONMember([]byte("[1]"), "a")
	wantStatus(t, err, StatusNotAnObject)
	_, _, err = FindJSONMember([]byte(`{"a": 1, "b": }`), "a")
	wantStatus(t, err, StatusInvalidJSON)
}

func TestJSONDecodeString(t *testing.T) {
	for raw, want := range map[string]string{
		`""`:                                  "",
		`"plain"`:                             "plain",
		`"\"\\\/\b\f\n\r\t"`:                  "\"\\/\b\f\n\r\t",
		`"caf\u00e9 \ud83d\ude00"`:            "café 😀",
		` "raw é" `:                           "raw é",
		`"a\u0000b"`:                          "a\x00b",
		`"` + strings.Repeat("x", 5000) + `"`: strings.Repeat("x", 5000),
	} {
		got, err := DecodeJSONString([]byte(raw))
		if err != nil || got != want {
			t.Fatalf("%s: %q %v", raw, got, err)
		}
	}
	_, err := DecodeJSONString([]byte("42"))
	wantStatus(t, err, StatusNotAString)
	_, err = DecodeJSONString([]byte(`"\x"`))
	wantStatus(t, err, StatusInvalidJSON)
	_, err = DecodeJSONString([]byte(`"ab\udc00"`))
	wantStatus(t, err, StatusJSONLoneSurrogate)
	if !strings.Contains(err.Error(), "at byte 3") {
		t.Fatalf("message: %v", err)
	}
}

func TestJSONEqual(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{`{"a": [1, "x"], "b": null}`, `{"b":null,"\u0061":[1.0,"\u0078"]}`, true},
		{`100`, `1e2`, true},
		{`-0`, `0`, true},
		{`"😀"`, `"\ud83d\ude00"`, true},
		{`[1, 2]`, `[2, 1]`, false},
		{`{"a": 1}`, `{"a": 1, "b": 2}`, false},
		{`1`, `"1"`, false},
		{`9007199254740993`, `9007199254740992`, false},
	} {
		got, err := JSONEqual([]byte(c.a), []byte(c.b))
		if err != nil || got != c.want {
			t.Fatalf("JSONEqual(%s, %s) = %v, %v; want %v", c.a, c.b, got, err, c.want)
		}
	}
	_, err := JSONEqual([]byte("{"), []byte("{}"))
	wantStatus(t, err, StatusInvalidJSON)
	if !strings.Contains(err.Error(), "a: ") {
		t.Fatalf("message: %v", err)
	}
}
