/**
 * A Go program over a wide part of the standard library, for the Go build benches: a
 * cold build compiles all of it into the build cache. `withUuid` also imports
 * github.com/google/uuid (a module fetched through the Go module proxy).
 */
export function wideGoProgram(options: { withUuid?: boolean } = {}): string {
  return `package main

import (
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os/exec"
	"regexp"
${options.withUuid ? '\t"github.com/google/uuid"\n' : ''})

func main() {
	server := httptest.NewServer(http.NotFoundHandler())
	defer server.Close()
	out, _ := json.Marshal(map[string]string{"url": server.URL})
	_, _ = xml.Marshal(struct{ A string }{"a"})
	_ = template.Must(template.New("x").Parse("{{.}}"))
	_ = regexp.MustCompile("a+")
	_ = tls.Config{}
	_ = sql.ErrNoRows
	_ = smtp.PlainAuth
	_ = exec.Command
	fmt.Println(string(out))${options.withUuid ? '\n\tfmt.Println(uuid.NewString())' : ''}
}
`;
}
