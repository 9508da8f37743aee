// Package cli is the antwort command line: a cobra command tree over the
// public packages. It alone imports cobra. Machine output goes to stdout,
// progress and logs to stderr; exit codes are mapped in exit.go.
package cli
