// Package pgtest holds the tests of webhookhttp.SQLStore against a real
// PostgreSQL (a module of its own so the binding's go.mod needs no driver).
// scripts/test-go.sh starts a throwaway cluster and runs them with
// PRANA_TEST_POSTGRES_DSN set; Debian's golang-github-lib-pq-dev provides
// the driver through a replace added at test time.
package pgtest
