package prana

//go:generate env PRANA_UPDATE_STATUS_NAMES=1 go test -run TestStatusNamesMatchHeader .
