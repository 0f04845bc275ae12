package cpe

import (
	"errors"
	"fmt"
	"strings"
)

// Kind says what an attribute value is: one of the logical values ANY and NA,
// or a value string (NISTIR 7695 section 5.3.1).
type Kind uint8

// Kinds of attribute values. The zero Kind is Any, so the zero Value is ANY,
// as an unspecified WFN attribute is (NISTIR 7695 section 5.2).
const (
	// Any is the logical value ANY ("*" in bindings): any value.
	Any Kind = iota
	// NA is the logical value NOT APPLICABLE ("-" in bindings): no value.
	NA
	// Literal is a value string, possibly with leading or trailing
	// wildcards.
	Literal
)

// Value is one attribute value of a Name.
//
// A value string keeps its characters unquoted and lower-cased in Text (CPE
// matching is case-insensitive, NISTIR 7696 section 6.1.2), so "8\.0" in a
// formatted string is Text "8.0" and "foo\\bar" is Text `foo\bar`. The
// special characters '*' (any number of characters) and '?' (one character)
// may appear unquoted only at the start and end of a value string (NISTIR
// 7695 section 5.3.2); they are kept apart from Text in Pre and Post, which
// are "", "*" or a run of '?'.
type Value struct {
	Kind Kind
	Text string
	Pre  string
	Post string
}

// Lit returns the value string s, lower-cased, without wildcards. An empty s
// gives ANY.
func Lit(s string) Value {
	if s == "" {
		return Value{}
	}
	return Value{Kind: Literal, Text: lower(s)}
}

// HasWildcards reports whether v is a value string with an unquoted '*' or
// '?'.
func (v Value) HasWildcards() bool { return v.Kind == Literal && (v.Pre != "" || v.Post != "") }

// IsLiteral reports whether v is a value string without wildcards: one
// definite value.
func (v Value) IsLiteral() bool { return v.Kind == Literal && v.Pre == "" && v.Post == "" }

// String returns v as it appears in a formatted string binding.
func (v Value) String() string {
	switch v.Kind {
	case Any:
		return "*"
	case NA:
		return "-"
	}
	var b strings.Builder
	b.WriteString(v.Pre)
	if v.Text == "-" && v.Pre == "" && v.Post == "" {
		// A lone hyphen would read back as NA (NISTIR 7695 section
		// 6.2.2.2 leaves "-" unquoted, which makes the binding ambiguous).
		b.WriteString(`\-`)
	} else {
		for i := 0; i < len(v.Text); i++ {
			c := v.Text[i]
			if !isAlnum(c) && c != '_' && c != '.' && c != '-' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
	}
	b.WriteString(v.Post)
	return b.String()
}

// Name is a CPE 2.3 well-formed name (WFN, NISTIR 7695 section 5): eleven
// attributes, each ANY, NA or a value string. The zero Name has every
// attribute ANY.
type Name struct {
	// Part is "a" (application), "o" (operating system) or "h" (hardware),
	// or ANY.
	Part      Value
	Vendor    Value
	Product   Value
	Version   Value
	Update    Value
	Edition   Value
	Language  Value
	SWEdition Value
	TargetSW  Value
	TargetHW  Value
	Other     Value
}

// attrNames are the WFN attribute names in binding order (NISTIR 7695 section
// 5.3.3).
var attrNames = [11]string{"part", "vendor", "product", "version", "update", "edition", "language", "sw_edition", "target_sw", "target_hw", "other"}

// attrs returns pointers to n's attributes in binding order.
func (n *Name) attrs() [11]*Value {
	return [11]*Value{&n.Part, &n.Vendor, &n.Product, &n.Version, &n.Update, &n.Edition, &n.Language, &n.SWEdition, &n.TargetSW, &n.TargetHW, &n.Other}
}

// String returns n in the formatted string binding (NISTIR 7695 section
// 6.2.2): "cpe:2.3:" and the eleven attributes separated by colons, ANY as
// "*", NA as "-", and every character other than letters, digits, '_', '.'
// and '-' quoted with a backslash.
func (n Name) String() string {
	var b strings.Builder
	b.WriteString("cpe:2.3")
	for _, v := range n.attrs() {
		b.WriteByte(':')
		b.WriteString(v.String())
	}
	return b.String()
}

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("invalid CPE name")

func syntaxError(s, format string, args ...any) error {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Errorf("cpe: parse %q: %w: %s", s, ErrSyntax, fmt.Sprintf(format, args...))
}

// Parse reads a CPE name in the formatted string binding ("cpe:2.3:…",
// NISTIR 7695 section 6.2) or the URI binding ("cpe:/…", section 6.1, the
// CPE 2.2 form).
//
// A formatted string must have all thirteen colon-separated components; a
// backslash quotes the character after it (`x\/text`, `8.\*`), unquoted '*'
// and '?' are wildcards allowed only at the start and end of a value, "*" is
// ANY and "-" is NA. An empty component, which the binding does not allow
// but some SBOM tools write, reads as ANY.
//
// A URI has up to seven components (part, vendor, product, version, update,
// edition, language), each percent-encoded; an empty or missing component is
// ANY and "-" is NA; "%01" and "%02" are the wildcards '?' and '*'; an
// edition that starts with '~' packs edition, sw_edition, target_sw,
// target_hw and other (section 6.1.3.4).
//
// Value strings are lower-cased. Characters must be printable ASCII without
// spaces (section 5.3.2). Part must be ANY, "a", "o" or "h".
func Parse(s string) (Name, error) {
	var n Name
	var err error
	switch {
	case hasPrefixFold(s, "cpe:2.3:"):
		n, err = parseFS(s)
	case hasPrefixFold(s, "cpe:/"):
		n, err = parseURI(s)
	default:
		return Name{}, syntaxError(s, `want "cpe:2.3:" (formatted string) or "cpe:/" (URI)`)
	}
	if err != nil {
		return Name{}, err
	}
	if p := n.Part; p.Kind != Any && !(p.IsLiteral() && (p.Text == "a" || p.Text == "o" || p.Text == "h")) {
		return Name{}, syntaxError(s, `part must be "a", "o", "h" or "*", not %q`, p.String())
	}
	return n, nil
}

// MustParse is Parse for names written in code; it panics on an error.
func MustParse(s string) Name {
	n, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}

// parseFS unbinds a formatted string (NISTIR 7695 section 6.2.3).
func parseFS(s string) (Name, error) {
	// Split on unquoted colons.
	comps := make([]string, 0, 13)
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			comps = append(comps, s[start:i])
			start = i + 1
		}
	}
	comps = append(comps, s[start:])
	if len(comps) != 13 {
		return Name{}, syntaxError(s, "a formatted string has 13 colon-separated components, this has %d", len(comps))
	}
	var n Name
	for i, v := range n.attrs() {
		val, err := fsValue(comps[i+2])
		if err != nil {
			return Name{}, syntaxError(s, "%s: %v", attrNames[i], err)
		}
		*v = val
	}
	return n, nil
}

// token is one character of a value string: a literal character, or an
// unquoted wildcard.
type token struct {
	c        byte
	wildcard bool
}

// fsValue unbinds one component of a formatted string.
func fsValue(comp string) (Value, error) {
	switch comp {
	case "*", "":
		return Value{}, nil
	case "-":
		return Value{Kind: NA}, nil
	}
	plain := true // the common case: nothing quoted, no wildcards, lower case
	for i := 0; i < len(comp) && plain; i++ {
		c := comp[i]
		plain = printable(c) && c != '\\' && c != '*' && c != '?' && !('A' <= c && c <= 'Z')
	}
	if plain {
		return Value{Kind: Literal, Text: comp}, nil
	}
	toks := make([]token, 0, len(comp))
	for i := 0; i < len(comp); i++ {
		c := comp[i]
		switch {
		case c == '\\':
			if i+1 == len(comp) {
				return Value{}, errors.New("ends in a lone backslash")
			}
			i++
			if !printable(comp[i]) {
				return Value{}, fmt.Errorf("character %q is not printable ASCII", comp[i])
			}
			toks = append(toks, token{c: comp[i]})
		case c == '*' || c == '?':
			toks = append(toks, token{c: c, wildcard: true})
		case !printable(c):
			return Value{}, fmt.Errorf("character %q is not printable ASCII", c)
		default:
			toks = append(toks, token{c: c})
		}
	}
	return assemble(toks)
}

// assemble checks the placement of wildcards (NISTIR 7695 section 5.3.2:
// a single '*' or a run of '?' at the start and/or the end) and builds the
// Value.
func assemble(toks []token) (Value, error) {
	i := 0
	for i < len(toks) && toks[i].wildcard {
		i++
	}
	j := len(toks)
	for j > i && toks[j-1].wildcard {
		j--
	}
	for _, t := range toks[i:j] {
		if t.wildcard {
			return Value{}, fmt.Errorf("unquoted %q inside a value (quote it as \\%c)", t.c, t.c)
		}
	}
	pre, post := wildRun(toks[:i]), wildRun(toks[j:])
	if !validRun(pre) || !validRun(post) {
		return Value{}, fmt.Errorf("wildcards %q and %q: use one '*' or a run of '?' at each end", pre, post)
	}
	text := make([]byte, 0, j-i)
	for _, t := range toks[i:j] {
		text = append(text, lowerByte(t.c))
	}
	if len(text) == 0 && pre == "*" && post == "" {
		return Value{}, nil // "*" alone is ANY
	}
	return Value{Kind: Literal, Text: string(text), Pre: pre, Post: post}, nil
}

func wildRun(toks []token) string {
	b := make([]byte, len(toks))
	for i, t := range toks {
		b[i] = t.c
	}
	return string(b)
}

func validRun(s string) bool {
	return s == "" || s == "*" || strings.Trim(s, "?") == ""
}

// parseURI unbinds a URI (NISTIR 7695 section 6.1.3).
func parseURI(s string) (Name, error) {
	comps := strings.Split(s[len("cpe:/"):], ":")
	if len(comps) > 7 {
		return Name{}, syntaxError(s, "a URI has at most 7 components after \"cpe:/\", this has %d", len(comps))
	}
	var n Name
	plain := [7]*Value{&n.Part, &n.Vendor, &n.Product, &n.Version, &n.Update, &n.Edition, &n.Language}
	for i, comp := range comps {
		if i == 5 && strings.HasPrefix(comp, "~") {
			packed := strings.Split(comp[1:], "~")
			if len(packed) != 5 {
				return Name{}, syntaxError(s, "a packed edition has 5 '~'-separated fields (edition~sw_edition~target_sw~target_hw~other), this has %d", len(packed))
			}
			for k, v := range [5]*Value{&n.Edition, &n.SWEdition, &n.TargetSW, &n.TargetHW, &n.Other} {
				val, err := uriValue(packed[k])
				if err != nil {
					return Name{}, syntaxError(s, "edition: %v", err)
				}
				*v = val
			}
			continue
		}
		val, err := uriValue(comp)
		if err != nil {
			return Name{}, syntaxError(s, "%s: %v", attrNames[i], err)
		}
		*plain[i] = val
	}
	return n, nil
}

// uriValue decodes one URI component (NISTIR 7695 section 6.1.3.2, decode).
func uriValue(comp string) (Value, error) {
	switch comp {
	case "":
		return Value{}, nil
	case "-":
		return Value{Kind: NA}, nil
	}
	toks := make([]token, 0, len(comp))
	for i := 0; i < len(comp); i++ {
		c := comp[i]
		if c != '%' {
			if !printable(c) {
				return Value{}, fmt.Errorf("character %q is not printable ASCII", c)
			}
			toks = append(toks, token{c: c})
			continue
		}
		if i+2 >= len(comp) || !isHex(comp[i+1]) || !isHex(comp[i+2]) {
			return Value{}, errors.New("'%' must start a percent-encoded byte")
		}
		d := unhex(comp[i+1])<<4 | unhex(comp[i+2])
		i += 2
		switch {
		case d == 0x01:
			toks = append(toks, token{c: '?', wildcard: true})
		case d == 0x02:
			toks = append(toks, token{c: '*', wildcard: true})
		case printable(d):
			toks = append(toks, token{c: d})
		default:
			return Value{}, fmt.Errorf("%%%02x is not printable ASCII", d)
		}
	}
	return assemble(toks)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// printable reports whether c is printable ASCII other than space, the
// characters a WFN value string may hold (NISTIR 7695 section 5.3.2).
func printable(c byte) bool { return c > 0x20 && c < 0x7f }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// lower lower-cases ASCII letters only, as CPE names are ASCII.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerByte(b[j])
			}
			return string(b)
		}
	}
	return s
}
