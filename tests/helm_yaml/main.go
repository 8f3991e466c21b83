// Command helm_yaml reads YAML values files exactly as Helm 3.16 reads a
// `-f` values file, and prints what Helm gets from each of them.
//
// Helm (pkg/cli/values/options.go, MergeValues) does, per values file:
//
//	currentMap := map[string]interface{}{}
//	if err := yaml.Unmarshal(bytes, &currentMap); err != nil {
//		return nil, errors.Wrapf(err, "failed to parse %s", filePath)
//	}
//
// with yaml = sigs.k8s.io/yaml (go-yaml v2 -> JSON -> encoding/json, so
// every number becomes a float64). This program does the same call.
//
// Build in GOPATH mode with the Debian packages golang-go,
// golang-gopkg-yaml.v2-dev and golang-k8s-sigs-yaml-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o helm_yaml main.go
//
// Usage: helm_yaml FILE... (or no argument: one path a line on stdin).
// Output: one JSON line per file, in argument order:
//
//	{"file":"PATH","values":{...}}   Helm accepts the file; values as Helm sees them
//	{"file":"PATH","error":"..."}    Helm refuses the file; the error text of sigs.k8s.io/yaml
//
// Numbers in "values" are float64s printed by encoding/json (the values Helm's
// templates see). Exits 0 unless a file cannot be read or output fails.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

type result struct {
	File   string                  `json:"file"`
	Values *map[string]interface{} `json:"values,omitempty"`
	Error  *string                 `json:"error,omitempty"`
}

// helmRead is the exact call of Helm's MergeValues for one values file.
func helmRead(data []byte) (map[string]interface{}, error) {
	currentMap := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &currentMap); err != nil {
		return nil, errors.New(helm316Text(err.Error()))
	}
	if currentMap == nil {
		// json null leaves Helm's map empty (mergeMaps over nothing).
		currentMap = map[string]interface{}{}
	}
	return currentMap, nil
}

// helm316Text turns an error text of sigs.k8s.io/yaml 1.3 (Debian) into the
// text of 1.4 (Helm 3.16). The one difference on our corpus: 1.4 spells
// "unsupported map key" in lower case. go-yaml v2.4.0 (Debian) and the v2 fork
// inside sigs.k8s.io/yaml 1.4 have identical sources.
func helm316Text(msg string) string {
	return strings.Replace(msg, ": Unsupported map key of type: ", ": unsupported map key of type: ", 1)
}

func main() {
	var paths []string
	if len(os.Args) > 1 {
		paths = os.Args[1:]
	} else {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if line := sc.Text(); line != "" {
				paths = append(paths, line)
			}
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintf(os.Stderr, "helm_yaml: reading stdin: %v\n", err)
			os.Exit(2)
		}
	}
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	status := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "helm_yaml: %v\n", err)
			status = 2
			continue
		}
		r := result{File: p}
		vals, err := helmRead(data)
		if err != nil {
			msg := err.Error()
			r.Error = &msg
		} else {
			r.Values = &vals
		}
		if err := enc.Encode(&r); err != nil {
			// Cannot happen: values that came out of encoding/json re-encode.
			fmt.Fprintf(os.Stderr, "helm_yaml: %s: encoding: %v\n", p, err)
			status = 2
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "helm_yaml: %v\n", err)
		os.Exit(2)
	}
	os.Exit(status)
}
