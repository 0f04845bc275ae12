package spdx

// tvLocator places parts of a tag-value document by line. It follows the
// pairs the way the tools-golang parser does: a package joins the
// document's package list at its SPDXID, every Relationship and Annotator
// tag starts a new relationship or annotation.
type tvLocator struct {
	pairs []tvPair
	pkgs  []int // pair index of the PackageName of each package, in library order
	rels  []int // pair index of each Relationship
	anns  []int // pair index of each Annotator
}

func newTVLocator(pairs []tvPair) *tvLocator {
	l := &tvLocator{pairs: pairs}
	sec, pkgStart := secDocument, -1
	for i, p := range pairs {
		if s, ok := startsSection(p.tag); ok {
			sec = s
			if s == secPackage {
				pkgStart = i
			}
		}
		switch p.tag {
		case "SPDXID":
			if sec == secPackage {
				l.pkgs = append(l.pkgs, pkgStart)
			}
		case "Relationship":
			l.rels = append(l.rels, i)
		case "Annotator":
			l.anns = append(l.anns, i)
		}
	}
	return l
}

func (l *tvLocator) at(i int) place {
	if i < 0 || i >= len(l.pairs) {
		return place{}
	}
	return place{line: l.pairs[i].line, column: l.pairs[i].col}
}

// find returns the index of the n-th (first for n < 0) pair with tag from
// start up to the next element, or -1.
func (l *tvLocator) find(start int, tag string, n int) int {
	seen := 0
	for i := start; i < len(l.pairs); i++ {
		if i > start {
			if _, ok := startsSection(l.pairs[i].tag); ok {
				break
			}
		}
		if l.pairs[i].tag != tag {
			continue
		}
		if n < 0 || seen == n {
			return i
		}
		seen++
	}
	return -1
}

func (l *tvLocator) doc(_, tag string, n int) place {
	if i := l.find(0, tag, n); i >= 0 {
		return l.at(i)
	}
	return place{}
}

func (l *tvLocator) pkg(i int, _, tag string, n int) place {
	if i < 0 || i >= len(l.pkgs) {
		return place{}
	}
	start := l.pkgs[i]
	if j := l.find(start, tag, n); j >= 0 {
		return l.at(j)
	}
	return l.at(start)
}

func (l *tvLocator) pkgAnnotation(int, int) place { return place{} }

func (l *tvLocator) annotation(j int) place {
	if j < 0 || j >= len(l.anns) {
		return place{}
	}
	start := l.anns[j]
	for i := start + 1; i < len(l.pairs) && l.pairs[i].tag != "Annotator"; i++ {
		if l.pairs[i].tag == "AnnotationComment" {
			return l.at(i)
		}
	}
	return l.at(start)
}

func (l *tvLocator) relationship(j int) place {
	if j < 0 || j >= len(l.rels) {
		return place{}
	}
	return l.at(l.rels[j])
}

func (l *tvLocator) describes(int) place { return place{} }
