package cyclonedx

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// The fast XML path.
//
// cyclonedx-go decodes XML with encoding/xml's reflection-driven Unmarshal,
// which spends most of its time in the Token stream (byte-at-a-time reads,
// namespace bookkeeping, an allocation per token): 4–7× slower than the JSON
// path. decodeXMLFast scans the bytes itself and fills the same cyclonedx-go
// types that read*.go converts, for the subset of CycloneDX XML that real
// SBOMs use. It gives up (ok false) on anything outside that subset or not
// plainly well formed — a DOCTYPE, a namespace prefix, an encoding other
// than UTF-8, a character XML forbids, an unknown entity, a mismatched tag,
// an element that maps to a field the reader uses but this path does not
// fill (evidence, services, expression-detailed, …) — and decodeXML then
// decodes the document with cyclonedx-go as before, so every fault is still
// reported by the reference decoder. TestFastXMLMatchesCycloneDXGo checks
// that both paths give the same document on every CycloneDX XML file of the
// shared data and of testdata.
//
// The rules copied from encoding/xml: elements and attributes match by local
// name; elements the Go types do not name, and elements whose fields read*.go
// never reads, are skipped; character data is the element's own text with
// the five predefined entities and character references replaced and line
// ends normalized to "\n"; a string element given twice keeps the last; a
// "a>b" list gets an entry per b; decoding stops at the end of the root
// element.

// fastXML scans a document; ok turns false at the first thing it does not
// handle, and every method then returns zero values.
type fastXML struct {
	data  []byte
	p     int
	ok    bool
	stack []string // open elements

	// The start tag just read.
	name    string // local name
	attrs   []fastAttr
	empty   bool // <x/>
	textBuf []byte
}

type fastAttr struct{ name, value string }

// maxFastDepth bounds the nesting the fast path follows (and so its
// recursion): twice the 1,000 nested components read*.go accepts, plus
// room; deeper documents go to cyclonedx-go, which refuses them.
const maxFastDepth = 4096

// decodeXMLFast decodes data when it is in the subset this path handles.
func decodeXMLFast(data []byte) (*wire, bool) {
	s := &fastXML{data: data, ok: true}
	if !s.prolog() || s.name != "bom" {
		return nil, false
	}
	bom := new(cdx.BOM)
	s.bom(bom)
	if !s.ok {
		return nil, false
	}
	for v, ns := range map[cdx.SpecVersion]string{
		cdx.SpecVersion1_0: "http://cyclonedx.org/schema/bom/1.0", cdx.SpecVersion1_1: "http://cyclonedx.org/schema/bom/1.1",
		cdx.SpecVersion1_2: "http://cyclonedx.org/schema/bom/1.2", cdx.SpecVersion1_3: "http://cyclonedx.org/schema/bom/1.3",
		cdx.SpecVersion1_4: "http://cyclonedx.org/schema/bom/1.4", cdx.SpecVersion1_5: "http://cyclonedx.org/schema/bom/1.5",
		cdx.SpecVersion1_6: "http://cyclonedx.org/schema/bom/1.6", cdx.SpecVersion1_7: "http://cyclonedx.org/schema/bom/1.7",
	} {
		if ns == bom.XMLNS {
			bom.SpecVersion = v
		}
	}
	w := &wire{bom: bom}
	if bom.SpecVersion == 0 {
		w.unknownVersion = bom.XMLNS
	}
	return w, true
}

func (s *fastXML) fail() { s.ok = false }

// prolog reads up to and including the root start tag.
func (s *fastXML) prolog() bool {
	for s.ok {
		s.space()
		switch {
		case s.p >= len(s.data):
			return false
		case bytes.HasPrefix(s.data[s.p:], []byte("<?xml ")):
			end := bytes.Index(s.data[s.p:], []byte("?>"))
			if end < 0 {
				return false
			}
			decl := string(s.data[s.p+len("<?xml ") : s.p+end])
			if v := procInst("version", decl); v != "" && v != "1.0" {
				return false
			}
			if enc := procInst("encoding", decl); enc != "" && !strings.EqualFold(enc, "utf-8") {
				return false
			}
			s.p += end + 2
		case s.data[s.p] == '<' && s.p+1 < len(s.data) && (s.data[s.p+1] == '!' || s.data[s.p+1] == '?'):
			s.misc()
		case s.data[s.p] == '<':
			s.p++
			s.startTag(true)
			return s.ok
		default:
			return false // text before the root
		}
	}
	return false
}

// procInst returns the value of param in the content of an XML
// declaration as encoding/xml reads it (its function of the same name):
// the text between the quotes after the first `param=` followed by a
// quote, or "".
func procInst(param, s string) string {
	param += "="
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || len(param)+k >= len(sub) {
			return ""
		}
		i += len(param) + k + 1
		if c := sub[len(param)+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// space skips XML white space.
func (s *fastXML) space() {
	for s.p < len(s.data) {
		switch s.data[s.p] {
		case ' ', '\t', '\n', '\r':
			s.p++
		default:
			return
		}
	}
}

// misc skips a comment or a processing instruction at s.p ("<!--", "<?");
// anything else starting "<!" (DOCTYPE, CDATA outside text) is not handled.
func (s *fastXML) misc() {
	rest := s.data[s.p:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		end := bytes.Index(rest[4:], []byte("-->"))
		if end < 0 {
			s.fail()
			return
		}
		s.p += 4 + end + 3
	case bytes.HasPrefix(rest, []byte("<?")):
		// A target name, then white space or the end.
		end := bytes.Index(rest, []byte("?>"))
		n := 2
		for n < len(rest) && isNameByte(rest[n]) {
			n++
		}
		if end < 0 || n == 2 || !isNameStart(rest[2]) || bytes.IndexByte(rest[2:n], ':') >= 0 ||
			strings.EqualFold(string(rest[2:n]), "xml") || (n != end && !isSpace(rest[n])) {
			s.fail()
			return
		}
		s.p += end + 2
	default:
		s.fail()
	}
}

func isNameStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
}

// xmlName reads a name; names with a namespace prefix are not handled,
// except for attributes of the root (xmlns:x, xsi:schemaLocation), which
// come back with their prefix.
func (s *fastXML) xmlName(prefixOK bool) string {
	start := s.p
	for s.p < len(s.data) && isNameByte(s.data[s.p]) {
		s.p++
	}
	name := s.data[start:s.p]
	if len(name) == 0 || !isNameStart(name[0]) {
		s.fail()
		return ""
	}
	if bytes.IndexByte(name, ':') >= 0 && !prefixOK {
		s.fail()
		return ""
	}
	return string(name)
}

// startTag reads a start tag after its "<": the name, the attributes, and
// "/>" or ">".
func (s *fastXML) startTag(root bool) {
	s.name = s.xmlName(false)
	s.attrs = s.attrs[:0]
	for s.ok {
		before := s.p
		s.space()
		if s.p >= len(s.data) {
			s.fail()
			return
		}
		switch s.data[s.p] {
		case '/':
			if s.p+1 >= len(s.data) || s.data[s.p+1] != '>' {
				s.fail()
				return
			}
			s.p += 2
			s.empty = true
			return
		case '>':
			s.p++
			s.empty = false
			s.stack = append(s.stack, s.name)
			if len(s.stack) > maxFastDepth {
				s.fail() // cyclonedx-go says how deep is too deep
			}
			return
		}
		if s.p == before {
			s.fail() // attributes are separated by white space
			return
		}
		name := s.xmlName(root)
		s.space()
		if s.p >= len(s.data) || s.data[s.p] != '=' {
			s.fail()
			return
		}
		s.p++
		s.space()
		if s.p >= len(s.data) || (s.data[s.p] != '"' && s.data[s.p] != '\'') {
			s.fail()
			return
		}
		q := s.data[s.p]
		s.p++
		end := bytes.IndexByte(s.data[s.p:], q)
		if end < 0 {
			s.fail()
			return
		}
		raw := s.data[s.p : s.p+end]
		if bytes.IndexByte(raw, '<') >= 0 {
			s.fail()
			return
		}
		s.p += end + 1
		for _, a := range s.attrs {
			if a.name == name {
				s.fail() // a repeated attribute
				return
			}
		}
		if strings.IndexByte(name, ':') >= 0 {
			if name == "xmlns:" || strings.HasPrefix(name, ":") {
				s.fail()
			}
			continue // a prefixed attribute of the root: no field names it
		}
		s.attrs = append(s.attrs, fastAttr{name, s.unescape(raw, false)})
	}
}

func (s *fastXML) attr(name string) string {
	for _, a := range s.attrs {
		if a.name == name {
			return a.value
		}
	}
	return ""
}

// endTag reads an end tag after its "</" and checks it closes the open
// element.
func (s *fastXML) endTag() {
	name := s.xmlName(false)
	s.space()
	if !s.ok || s.p >= len(s.data) || s.data[s.p] != '>' || len(s.stack) == 0 || s.stack[len(s.stack)-1] != name {
		s.fail()
		return
	}
	s.p++
	s.stack = s.stack[:len(s.stack)-1]
}

// child moves to the next child element of the open element, skipping text,
// comments and processing instructions; it returns false after reading the
// open element's end tag. The child's start tag is in s.name, s.attrs and
// s.empty.
func (s *fastXML) child() bool {
	for s.ok {
		lt := bytes.IndexByte(s.data[s.p:], '<')
		if lt < 0 {
			s.fail()
			return false
		}
		s.checkText(s.data[s.p : s.p+lt])
		s.p += lt
		if s.p+1 >= len(s.data) {
			s.fail()
			return false
		}
		switch s.data[s.p+1] {
		case '/':
			s.p += 2
			s.endTag()
			return false
		case '!':
			if bytes.HasPrefix(s.data[s.p:], []byte("<![CDATA[")) {
				end := bytes.Index(s.data[s.p:], []byte("]]>"))
				if end < 0 {
					s.fail()
					return false
				}
				s.checkText(s.data[s.p+9 : s.p+end])
				s.p += end + 3
				continue
			}
			s.misc()
		case '?':
			s.misc()
		default:
			s.p++
			s.startTag(false)
			return s.ok
		}
	}
	return false
}

// skip skips the element whose start tag was just read.
func (s *fastXML) skip() {
	if s.empty {
		return
	}
	for s.child() {
		s.skip()
	}
}

// text returns the character data of the element whose start tag was just
// read; child elements are skipped, as encoding/xml does for a string field.
func (s *fastXML) text() string {
	if s.empty || !s.ok {
		return ""
	}
	// The common case: plain text up to the end tag.
	if lt := bytes.IndexByte(s.data[s.p:], '<'); lt >= 0 && s.p+lt+1 < len(s.data) && s.data[s.p+lt+1] == '/' {
		raw := s.data[s.p : s.p+lt]
		s.p += lt + 2
		s.endTag()
		return s.unescape(raw, false)
	}
	buf := s.textBuf[:0]
	for s.ok {
		lt := bytes.IndexByte(s.data[s.p:], '<')
		if lt < 0 {
			s.fail()
			return ""
		}
		buf = append(buf, s.unescape(s.data[s.p:s.p+lt], false)...)
		s.p += lt
		if s.p+1 >= len(s.data) {
			s.fail()
			return ""
		}
		switch {
		case s.data[s.p+1] == '/':
			s.p += 2
			s.endTag()
			s.textBuf = buf
			return string(buf)
		case bytes.HasPrefix(s.data[s.p:], []byte("<![CDATA[")):
			end := bytes.Index(s.data[s.p:], []byte("]]>"))
			if end < 0 {
				s.fail()
				return ""
			}
			buf = append(buf, s.unescape(s.data[s.p+9:s.p+end], true)...)
			s.p += end + 3
		case s.data[s.p+1] == '!' || s.data[s.p+1] == '?':
			s.misc()
		default:
			s.p++
			s.startTag(false)
			s.skip()
		}
	}
	return ""
}

// checkText fails on characters XML forbids in text that is otherwise
// ignored (white space between elements, mostly).
func (s *fastXML) checkText(raw []byte) {
	for _, c := range raw {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x80 || c == '&' {
			s.unescape(raw, false) // the thorough check
			return
		}
	}
}

// unescape returns raw as encoding/xml reads character data: entities and
// character references replaced (unless cdata), "\r\n" and "\r" as "\n".
// Characters XML forbids, and entities other than the five predefined ones,
// are not handled.
func (s *fastXML) unescape(raw []byte, cdata bool) string {
	plain := true
	for _, c := range raw {
		if c < 0x20 || c >= 0x80 || c == '&' {
			plain = false
			break
		}
	}
	if plain {
		return string(raw)
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '&' && !cdata:
			end := bytes.IndexByte(raw[i:], ';')
			if end < 0 {
				s.fail()
				return ""
			}
			ent := string(raw[i+1 : i+end])
			i += end + 1
			switch ent {
			case "lt":
				b.WriteByte('<')
			case "gt":
				b.WriteByte('>')
			case "amp":
				b.WriteByte('&')
			case "apos":
				b.WriteByte('\'')
			case "quot":
				b.WriteByte('"')
			default:
				var n uint64
				var err error
				switch {
				case strings.HasPrefix(ent, "#x"):
					n, err = strconv.ParseUint(ent[2:], 16, 32)
				case strings.HasPrefix(ent, "#"):
					n, err = strconv.ParseUint(ent[1:], 10, 32)
				default:
					err = strconv.ErrSyntax
				}
				if err != nil || !xmlChar(rune(n)) {
					s.fail()
					return ""
				}
				b.WriteRune(rune(n))
			}
		case c == '\r':
			b.WriteByte('\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c < 0x80:
			if c < 0x20 && c != '\t' && c != '\n' {
				s.fail()
				return ""
			}
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 || !xmlChar(r) {
				s.fail()
				return ""
			}
			b.Write(raw[i : i+size])
			i += size
		}
	}
	return b.String()
}

// xmlChar reports whether r is a Char of XML 1.0 section 2.2.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// The document, element by element. Each method is called with the start
// tag of its element just read and returns after its end tag.

func (s *fastXML) bom(b *cdx.BOM) {
	b.XMLNS = s.attr("xmlns")
	b.SerialNumber = s.attr("serialNumber")
	if v := strings.TrimSpace(s.attr("version")); v != "" {
		n, err := strconv.ParseInt(v, 10, 0)
		if err != nil {
			s.fail()
			return
		}
		b.Version = int(n)
	}
	if s.empty {
		return
	}
	for s.child() {
		switch s.name {
		case "metadata":
			if b.Metadata != nil {
				s.fail()
				return
			}
			b.Metadata = &cdx.Metadata{}
			s.metadata(b.Metadata)
		case "components":
			s.components(&b.Components)
		case "dependencies":
			s.dependencies(&b.Dependencies)
		case "properties":
			s.properties(&b.Properties)
		case "services":
			s.fail()
		default:
			s.skip() // fields read*.go does not read
		}
	}
}

func (s *fastXML) metadata(m *cdx.Metadata) {
	if s.empty {
		return
	}
	for s.child() {
		switch s.name {
		case "timestamp":
			m.Timestamp = s.text()
		case "lifecycles":
			s.lifecycles(&m.Lifecycles)
		case "tools":
			if m.Tools != nil {
				s.fail()
				return
			}
			m.Tools = &cdx.ToolsChoice{}
			s.tools(m.Tools)
		case "authors":
			s.contacts(&m.Authors, "author")
		case "component":
			if m.Component != nil {
				s.fail()
				return
			}
			m.Component = &cdx.Component{}
			s.component(m.Component)
		case "manufacture":
			m.Manufacture = s.entity(m.Manufacture)
		case "manufacturer":
			m.Manufacturer = s.entity(m.Manufacturer)
		case "supplier":
			m.Supplier = s.entity(m.Supplier)
		case "licenses":
			m.Licenses = s.licenses()
		case "properties":
			s.properties(&m.Properties)
		default:
			s.skip()
		}
	}
}

func (s *fastXML) lifecycles(list **[]cdx.Lifecycle) {
	if s.empty {
		return
	}
	for s.child() {
		if s.name != "lifecycle" {
			s.skip()
			continue
		}
		var l cdx.Lifecycle
		if !s.empty {
			for s.child() {
				switch s.name {
				case "name":
					l.Name = s.text()
				case "phase":
					l.Phase = cdx.LifecyclePhase(s.text())
				case "description":
					l.Description = s.text()
				default:
					s.skip()
				}
			}
		}
		if *list == nil {
			*list = &[]cdx.Lifecycle{}
		}
		**list = append(**list, l)
	}
}

// tools reads metadata.tools as cdx.ToolsChoice.UnmarshalXML does.
func (s *fastXML) tools(tc *cdx.ToolsChoice) {
	if s.empty {
		return
	}
	var legacy []cdx.Tool
	var comps *[]cdx.Component
	seenComponents := false
	for s.child() {
		switch s.name {
		case "tool":
			var t cdx.Tool
			if !s.empty {
				for s.child() {
					switch s.name {
					case "vendor":
						t.Vendor = s.text()
					case "name":
						t.Name = s.text()
					case "version":
						t.Version = s.text()
					case "hashes":
						s.hashes(&t.Hashes)
					case "externalReferences":
						s.externalReferences(&t.ExternalReferences)
					default:
						s.skip()
					}
				}
			}
			legacy = append(legacy, t)
		case "components":
			if seenComponents {
				s.fail()
				return
			}
			seenComponents = true
			comps = nil
			if !s.empty {
				for s.child() {
					if s.name != "component" {
						s.skip()
						continue
					}
					if comps == nil {
						comps = &[]cdx.Component{}
					}
					*comps = append(*comps, cdx.Component{})
					s.component(&(*comps)[len(*comps)-1])
				}
			}
		default:
			s.fail() // services, or an element cyclonedx-go rejects
			return
		}
	}
	if len(legacy) > 0 && comps != nil && len(*comps) > 0 {
		s.fail() // cyclonedx-go rejects both at once
		return
	}
	if comps != nil && len(*comps) > 0 {
		tc.Components = comps
	}
	if len(legacy) > 0 {
		tc.Tools = &legacy
	}
}

func (s *fastXML) contacts(list **[]cdx.OrganizationalContact, elem string) {
	if s.empty {
		return
	}
	for s.child() {
		if s.name != elem {
			s.skip()
			continue
		}
		if *list == nil {
			*list = &[]cdx.OrganizationalContact{}
		}
		**list = append(**list, s.contact())
	}
}

func (s *fastXML) contact() cdx.OrganizationalContact {
	c := cdx.OrganizationalContact{BOMRef: s.attr("bom-ref")}
	if s.empty {
		return c
	}
	for s.child() {
		switch s.name {
		case "name":
			c.Name = s.text()
		case "email":
			c.Email = s.text()
		case "phone":
			c.Phone = s.text()
		default:
			s.skip()
		}
	}
	return c
}

// entity reads an organizational entity into e (a repeated element adds to
// the one before, as encoding/xml does).
func (s *fastXML) entity(e *cdx.OrganizationalEntity) *cdx.OrganizationalEntity {
	if e == nil {
		e = &cdx.OrganizationalEntity{}
	}
	if r := s.attr("bom-ref"); r != "" {
		e.BOMRef = r
	}
	if s.empty {
		return e
	}
	for s.child() {
		switch s.name {
		case "name":
			e.Name = s.text()
		case "url":
			if e.URL == nil {
				e.URL = &[]string{}
			}
			*e.URL = append(*e.URL, s.text())
		case "contact":
			if e.Contact == nil {
				e.Contact = &[]cdx.OrganizationalContact{}
			}
			*e.Contact = append(*e.Contact, s.contact())
		default:
			s.skip()
		}
	}
	return e
}

// licenses reads a licenses element as cdx.Licenses.UnmarshalXML does.
func (s *fastXML) licenses() *cdx.Licenses {
	out := cdx.Licenses{}
	if s.empty {
		return &out
	}
	for s.child() {
		switch s.name {
		case "license":
			l := &cdx.License{BOMRef: s.attr("bom-ref"), Acknowledgement: cdx.LicenseAcknowledgement(s.attr("acknowledgement"))}
			if !s.empty {
				for s.child() {
					switch s.name {
					case "id":
						l.ID = s.text()
					case "name":
						l.Name = s.text()
					case "url":
						l.URL = s.text()
					case "text":
						l.Text = &cdx.AttachedText{ContentType: s.attr("content-type"), Encoding: s.attr("encoding")}
						l.Text.Content = s.text()
					default:
						s.skip() // licensing, properties: not read
					}
				}
			}
			out = append(out, cdx.LicenseChoice{License: l})
		case "expression":
			c := cdx.LicenseChoice{BOMRef: s.attr("bom-ref")}
			if ack := s.attr("acknowledgement"); ack != "" {
				a := cdx.LicenseAcknowledgement(ack)
				c.Acknowledgement = &a
			}
			c.Expression = s.text()
			out = append(out, c)
		default:
			s.fail() // expression-detailed, or an element cyclonedx-go rejects
			return nil
		}
	}
	return &out
}

func (s *fastXML) components(list **[]cdx.Component) {
	if s.empty {
		return
	}
	for s.child() {
		if s.name != "component" {
			s.skip()
			continue
		}
		if *list == nil {
			*list = &[]cdx.Component{}
		}
		**list = append(**list, cdx.Component{})
		s.component(&(**list)[len(**list)-1])
	}
}

func (s *fastXML) component(c *cdx.Component) {
	c.BOMRef = s.attr("bom-ref")
	c.MIMEType = s.attr("mime-type")
	c.Type = cdx.ComponentType(s.attr("type"))
	if s.empty {
		return
	}
	for s.child() {
		switch s.name {
		case "supplier":
			c.Supplier = s.entity(c.Supplier)
		case "manufacturer":
			c.Manufacturer = s.entity(c.Manufacturer)
		case "author":
			c.Author = s.text()
		case "authors":
			s.contacts(&c.Authors, "author")
		case "publisher":
			c.Publisher = s.text()
		case "group":
			c.Group = s.text()
		case "name":
			c.Name = s.text()
		case "version":
			c.Version = s.text()
		case "description":
			c.Description = s.text()
		case "scope":
			c.Scope = cdx.Scope(s.text())
		case "hashes":
			s.hashes(&c.Hashes)
		case "licenses":
			c.Licenses = s.licenses()
		case "copyright":
			c.Copyright = s.text()
		case "cpe":
			c.CPE = s.text()
		case "purl":
			c.PackageURL = s.text()
		case "omniborId":
			if c.OmniborID == nil {
				c.OmniborID = &[]string{}
			}
			*c.OmniborID = append(*c.OmniborID, s.text())
		case "swhid":
			if c.SWHID == nil {
				c.SWHID = &[]string{}
			}
			*c.SWHID = append(*c.SWHID, s.text())
		case "swid":
			if c.SWID != nil || s.attr("tagVersion") != "" || s.attr("patch") != "" {
				s.fail()
				return
			}
			c.SWID = &cdx.SWID{TagID: s.attr("tagId"), Name: s.attr("name"), Version: s.attr("version"), URL: s.attr("url")}
			if !s.empty {
				for s.child() {
					if s.name == "text" {
						s.fail()
						return
					}
					s.skip()
				}
			}
		case "externalReferences":
			s.externalReferences(&c.ExternalReferences)
		case "properties":
			s.properties(&c.Properties)
		case "components":
			s.components(&c.Components)
		case "evidence":
			s.fail() // read*.go reads the evidence; cyclonedx-go decodes it
			return
		default:
			s.skip() // pedigree, releaseNotes, …: not read
		}
	}
}

func (s *fastXML) hashes(list **[]cdx.Hash) {
	if s.empty {
		return
	}
	for s.child() {
		if s.name != "hash" {
			s.skip()
			continue
		}
		h := cdx.Hash{Algorithm: cdx.HashAlgorithm(s.attr("alg"))}
		h.Value = s.text()
		if *list == nil {
			*list = &[]cdx.Hash{}
		}
		**list = append(**list, h)
	}
}

func (s *fastXML) externalReferences(list **[]cdx.ExternalReference) {
	if s.empty {
		return
	}
	for s.child() {
		if s.name != "reference" {
			s.skip()
			continue
		}
		r := cdx.ExternalReference{Type: cdx.ExternalReferenceType(s.attr("type"))}
		if !s.empty {
			for s.child() {
				switch s.name {
				case "url":
					r.URL = s.text()
				case "comment":
					r.Comment = s.text()
				case "hashes":
					s.hashes(&r.Hashes)
				default:
					s.skip() // properties: not read
				}
			}
		}
		if *list == nil {
			*list = &[]cdx.ExternalReference{}
		}
		**list = append(**list, r)
	}
}

func (s *fastXML) properties(list **[]cdx.Property) {
	if s.empty {
		return
	}
	for s.child() {
		if s.name != "property" {
			s.skip()
			continue
		}
		p := cdx.Property{Name: s.attr("name")}
		p.Value = s.text()
		if *list == nil {
			*list = &[]cdx.Property{}
		}
		**list = append(**list, p)
	}
}

// dependencies reads dependencies>dependency as cdx.Dependency.UnmarshalXML
// does: the refs of the nested dependency and provides elements.
func (s *fastXML) dependencies(list **[]cdx.Dependency) {
	if s.empty {
		return
	}
	for s.child() {
		if s.name != "dependency" {
			s.skip()
			continue
		}
		d := cdx.Dependency{Ref: s.attr("ref")}
		var deps, provides []string
		if !s.empty {
			for s.child() {
				switch s.name {
				case "dependency":
					deps = append(deps, s.attr("ref"))
				case "provides":
					provides = append(provides, s.attr("ref"))
				}
				s.skip()
			}
		}
		if len(deps) > 0 {
			d.Dependencies = &deps
		}
		if len(provides) > 0 {
			d.Provides = &provides
		}
		if *list == nil {
			*list = &[]cdx.Dependency{}
		}
		**list = append(**list, d)
	}
}
