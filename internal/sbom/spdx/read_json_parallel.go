package spdx

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelMinPackages is the number of packages from which decodeParallel
// and reader.components spread their work over the CPUs.
const parallelMinPackages = 2000

// decodeParallel decodes a large, well-formed document with its packages
// spread over the CPUs: a light scan finds the elements of the top-level
// "packages" array, workers decode (and so validate) each element, while
// the rest of the document, with "[]" in place of the packages, is decoded
// (and validated) on its own. It reports false for anything else, errors
// included; the sequential path then decodes the document and reports what
// is wrong.
func decodeParallel(data []byte) (jsonDoc, bool) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(data) < 1<<20 {
		return jsonDoc{}, false
	}
	elems, span, ok := packageElements(data)
	if !ok || len(elems) < parallelMinPackages {
		return jsonDoc{}, false
	}
	rest := make([]byte, 0, len(data)-(span[1]-span[0])+2)
	rest = append(append(append(rest, data[:span[0]]...), "[]"...), data[span[1]:]...)
	var w jsonDoc
	var restErr error
	var failed atomic.Bool
	pkgs := make([]*jsonPackage, len(elems))
	var wg sync.WaitGroup
	wg.Go(func() { restErr = json.Unmarshal(rest, &w) })
	chunk := (len(elems) + workers - 1) / workers
	for start := 0; start < len(elems); start += chunk {
		end := min(start+chunk, len(elems))
		wg.Go(func() {
			for i := start; i < end && !failed.Load(); i++ {
				e := data[elems[i][0]:elems[i][1]]
				if string(e) == "null" {
					continue
				}
				p := new(jsonPackage)
				if err := json.Unmarshal(e, p); err != nil {
					failed.Store(true)
					return
				}
				pkgs[i] = p
			}
		})
	}
	wg.Wait()
	if restErr != nil || failed.Load() {
		return jsonDoc{}, false
	}
	w.Packages = pkgs
	return w, true
}

// packageElements returns the byte ranges of the elements of the "packages"
// array of the JSON object in data, and the range of the array. It does not
// validate JSON; it reports false when data does not look like an object
// with one such array (or has an escaped key, which might spell
// "packages").
func packageElements(data []byte) (elems [][2]int, span [2]int, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, span, false
	}
	found := false
	for i++; ; {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != '"' {
			return nil, span, false
		}
		var end int
		end, ok = skipString(data, i)
		if !ok {
			return nil, span, false
		}
		key := data[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return nil, span, false
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, span, false
		}
		i = skipSpace(data, i+1)
		if string(key) == "packages" {
			if found || i >= len(data) || data[i] != '[' {
				return nil, span, false
			}
			found = true
			span[0] = i
			elems, i, ok = arrayElements(data, i)
			span[1] = i
		} else {
			i, ok = skipValue(data, i)
		}
		if !ok {
			return nil, span, false
		}
		i = skipSpace(data, i)
		switch {
		case i < len(data) && data[i] == ',':
			i++
		case i < len(data) && data[i] == '}':
			return elems, span, found
		default:
			return nil, span, false
		}
	}
}

// arrayElements returns the ranges of the elements of the array at data[i]
// and the offset after it.
func arrayElements(data []byte, i int) ([][2]int, int, bool) {
	var elems [][2]int
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return elems, i + 1, true
	}
	for {
		start := skipSpace(data, i)
		end, ok := skipValue(data, start)
		if !ok {
			return nil, 0, false
		}
		elems = append(elems, [2]int{start, end})
		i = skipSpace(data, end)
		switch {
		case i < len(data) && data[i] == ',':
			i++
		case i < len(data) && data[i] == ']':
			return elems, i + 1, true
		default:
			return nil, 0, false
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the offset after the string starting at data[i].
func skipString(data []byte, i int) (int, bool) {
	for j := i + 1; j <= len(data); {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return 0, false
		}
		k += j
		n := 0
		for m := k - 1; m > i && data[m] == '\\'; m-- {
			n++
		}
		if n%2 == 0 {
			return k + 1, true
		}
		j = k + 1
	}
	return 0, false
}

// skipValue returns the offset after the JSON value starting at data[i].
func skipValue(data []byte, i int) (int, bool) {
	depth := 0
	for i < len(data) {
		switch data[i] {
		case '"':
			end, ok := skipString(data, i)
			if !ok {
				return 0, false
			}
			if depth == 0 {
				return end, true
			}
			i = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth < 0 {
				return 0, false
			}
			if depth == 0 {
				return i + 1, true
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return 0, false
			}
		default:
			if depth == 0 {
				j := i
				for j < len(data) && !endsLiteral(data[j]) {
					j++
				}
				return j, true
			}
		}
		i++
	}
	return 0, false
}

func endsLiteral(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r', ':':
		return true
	}
	return false
}
