package server

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// obj is a JSON object in the OpenAPI document.
type obj = map[string]any

func str() obj                { return obj{"type": "string"} }
func strFmt(f string) obj     { return obj{"type": "string", "format": f} }
func integer() obj            { return obj{"type": "integer", "format": "int64"} }
func number() obj             { return obj{"type": "number"} }
func boolean() obj            { return obj{"type": "boolean"} }
func arr(items obj) obj       { return obj{"type": "array", "items": items} }
func ref(name string) obj     { return obj{"$ref": "#/components/schemas/" + name} }
func enum(vals ...string) obj { return obj{"type": "string", "enum": vals} }
func date() obj {
	return obj{"type": "string", "pattern": `^(\d{4}-\d{2}-\d{2})?$`, "description": "YYYY-MM-DD, empty when unknown"}
}
func object(req []string, props obj) obj {
	o := obj{"type": "object", "properties": props}
	if len(req) > 0 {
		o["required"] = req
	}
	return o
}

// closed forbids properties the schema does not name (request bodies).
func closed(o obj) obj { o["additionalProperties"] = false; return o }

func roles() obj      { return enum("admin", "analyst", "viewer") }
func severities() obj { return enum("none", "low", "medium", "high", "critical", "unknown") }

// schemas are the component schemas of the API's bodies.
func schemas() obj {
	ts := strFmt("date-time")
	return obj{
		"Problem": object([]string{"type", "title", "status"}, obj{
			"type": strFmt("uri"), "title": str(), "status": obj{"type": "integer"}, "detail": str(),
			"instance": str(), "request_id": str()}),
		"LoginRequest": closed(object([]string{"email", "password"}, obj{"email": strFmt("email"), "password": str()})),
		"Organization": object([]string{"id", "slug", "name", "kind", "created", "demo"}, obj{
			"id": integer(), "slug": str(), "name": str(), "kind": enum("manufacturer", "hospital", "both"), "created": ts,
			"demo": obj{"type": "boolean", "description": "true when the server runs with the shipped demo data"}}),
		"User": object([]string{"id", "org_id", "email", "name", "role", "created"}, obj{
			"id": integer(), "org_id": integer(), "email": str(), "name": str(), "role": roles(), "created": ts}),
		"UserCreate": closed(object([]string{"email", "role", "password"}, obj{
			"email": strFmt("email"), "name": str(), "role": roles(), "password": obj{"type": "string", "minLength": 12}})),
		"UserUpdate": closed(object(nil, obj{"name": str(), "role": roles(), "password": obj{"type": "string", "minLength": 12}})),
		"Token": object([]string{"id", "org_id", "user_id", "name", "role", "prefix", "created"}, obj{
			"id": integer(), "org_id": integer(), "user_id": integer(), "name": str(), "role": roles(),
			"prefix": obj{"type": "string", "description": "first characters of the secret"}, "created": ts,
			"last_used": ts, "revoked": ts}),
		"TokenCreate": closed(object([]string{"name"}, obj{"name": str(), "role": roles()})),
		"TokenCreated": object([]string{"token", "secret"}, obj{"token": ref("Token"),
			"secret": obj{"type": "string", "pattern": "^mvg_[A-Za-z0-9_-]{43}$", "description": "Send as `Authorization: Bearer <secret>`. Shown only in this answer."}}),
		"Product": object([]string{"id", "org_id", "name", "vendor", "created"}, obj{
			"id": integer(), "org_id": integer(), "name": str(), "vendor": str(), "description": str(), "created": ts}),
		"ProductCreate": closed(object([]string{"name"}, obj{"name": obj{"type": "string", "minLength": 1}, "vendor": str(), "description": str()})),
		"ProductUpdate": closed(object(nil, obj{"name": obj{"type": "string", "minLength": 1}, "vendor": str(), "description": str()})),
		"Version": object([]string{"id", "org_id", "product_id", "version", "created"}, obj{
			"id": integer(), "org_id": integer(), "product_id": integer(), "version": str(),
			"release_date": date(), "end_of_life": date(), "end_of_support": date(),
			"support_level": obj{"type": "string", "description": "FDA support level, e.g. \"full support\", \"limited support\", \"no support\""},
			"created":       ts}),
		"VersionCreate": closed(object([]string{"version"}, obj{"version": obj{"type": "string", "minLength": 1},
			"release_date": date(), "end_of_life": date(), "end_of_support": date(), "support_level": str()})),
		"VersionUpdate": closed(object(nil, obj{"release_date": date(), "end_of_life": date(), "end_of_support": date(), "support_level": str()})),
		"SBOM": object([]string{"id", "org_id", "version_id", "filename", "format", "spec_version", "encoding", "sha256", "size", "components", "created"}, obj{
			"id": integer(), "org_id": integer(), "version_id": integer(), "filename": str(), "format": enum("CycloneDX", "SPDX"),
			"spec_version": str(), "encoding": enum("json", "xml", "tag-value"), "sha256": obj{"type": "string", "pattern": "^[0-9a-f]{64}$"},
			"size": integer(), "components": obj{"type": "integer"}, "warnings": arr(str()), "created": ts}),
		"SBOMImport": object([]string{"sbom", "new_findings", "resolved_findings", "findings"}, obj{
			"sbom": ref("SBOM"), "new_findings": obj{"type": "integer"}, "resolved_findings": obj{"type": "integer"},
			"findings": obj{"type": "integer", "description": "findings of the version after the import"}, "warnings": arr(str())}),
		"Component": object([]string{"id", "org_id", "sbom_id", "version_id", "ref", "name"}, obj{
			"id": integer(), "org_id": integer(), "sbom_id": integer(), "version_id": integer(), "ref": str(), "name": str(),
			"version": str(), "supplier": str(), "purl": str(), "cpes": arr(str())}),
		"Finding": object([]string{"id", "org_id", "version_id", "component_id", "vuln_id", "severity", "kev", "method", "confidence", "rule", "status", "first_seen", "last_seen"}, obj{
			"id": integer(), "org_id": integer(), "version_id": integer(), "component_id": integer(),
			"vuln_id": str(), "aliases": arr(str()), "summary": str(), "severity": severities(), "cvss": number(),
			"kev": boolean(), "epss": number(), "fixed_versions": arr(str()),
			"method":     enum("purl", "cpe", "cpe-candidate", "csaf-purl", "csaf-cpe", "csaf-name"),
			"confidence": enum("high", "low"), "rule": obj{"type": "string", "description": "the range or criterion that matched, per advisory"},
			"status": enum(findingStatuses()...), "first_seen": ts, "last_seen": ts, "resolved": ts}),
		"FindingUpdate": closed(object([]string{"status"}, obj{"status": enum("open", "acknowledged", "not_affected", "fixed")})),
		"Evaluation": object([]string{"new_findings", "changed_findings", "resolved_findings"}, obj{
			"new_findings": obj{"type": "integer"}, "changed_findings": obj{"type": "integer"}, "resolved_findings": obj{"type": "integer"}}),
		"Vulnerability": object([]string{"id", "aliases", "advisories", "affected", "findings"}, obj{
			"id": str(), "aliases": arr(str()), "summary": str(),
			"kev":  obj{"type": "object", "description": "CISA KEV entry (date added, due date, known ransomware use)"},
			"epss": obj{"type": "object", "description": "FIRST EPSS score, percentile and date"},
			"advisories": arr(object([]string{"id", "source"}, obj{"id": str(), "source": str(), "summary": str(),
				"published": ts, "modified": ts, "withdrawn": ts})),
			"affected": arr(object([]string{"product_id", "product", "version_id", "version", "finding_ids", "components", "statuses"}, obj{
				"product_id": integer(), "product": str(), "version_id": integer(), "version": str(),
				"finding_ids": arr(integer()), "components": arr(str()), "statuses": arr(str())})),
			"findings":   obj{"type": "integer"},
			"references": arr(obj{"type": "object"}),
			"severities": arr(object([]string{"type", "vector"}, obj{"type": str(), "score": number(), "vector": str()}))}),
		"KBStatus": object([]string{"snapshot_id", "advisories", "kev", "epss"}, obj{
			"snapshot_id": integer(), "created": ts, "loaded": ts, "advisories": obj{"type": "integer"},
			"kev": obj{"type": "integer"}, "epss": obj{"type": "integer"},
			"sources": obj{"description": "per-source state of the last import or sync"}}),
		"Webhook": object([]string{"id", "org_id", "url", "kev_only", "active", "created"}, obj{
			"id": integer(), "org_id": integer(), "url": str(), "email": str(), "min_severity": str(),
			"kev_only": boolean(), "product_id": integer(), "active": boolean(), "created": ts}),
		"WebhookCreate": closed(object(nil, obj{"url": strFmt("uri"), "email": strFmt("email"),
			"secret":       obj{"type": "string", "description": "HMAC-SHA256 key; generated and returned once when omitted"},
			"min_severity": enum("low", "medium", "high", "critical"), "kev_only": boolean(), "product_id": integer()})),
		"WebhookCreated": object([]string{"webhook"}, obj{"webhook": ref("Webhook"), "secret": str()}),
		"Delivery": object([]string{"id", "org_id", "webhook_id", "event_id", "attempt", "status", "created"}, obj{
			"id": integer(), "org_id": integer(), "webhook_id": integer(), "event_id": integer(),
			"attempt": obj{"type": "integer"}, "status": obj{"type": "integer"}, "error": str(), "created": ts}),
		"Event": object([]string{"id", "org_id", "type", "subject", "created"}, obj{
			"id": integer(), "org_id": integer(), "type": str(), "subject": str(), "data": obj{}, "created": ts}),
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// openAPI builds the OpenAPI 3.1 document from the route table.
func (s *Server) openAPI() obj {
	paths := obj{}
	problem := obj{"application/problem+json": obj{"schema": ref("Problem")}}
	for _, rt := range s.routes {
		op := obj{"operationId": rt.op, "summary": rt.summary, "tags": []string{rt.tag}}
		var params []obj
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			schema := integer()
			if rt.op == "getVulnerability" {
				schema = str()
			}
			params = append(params, obj{"name": m[1], "in": "path", "required": true, "schema": schema})
		}
		for _, q := range rt.query {
			sc := obj{"type": q.typ}
			if len(q.enum) > 0 {
				sc["enum"] = q.enum
			}
			params = append(params, obj{"name": q.name, "in": "query", "required": false, "description": q.desc, "schema": sc})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch rt.body {
		case "":
		case "sbom":
			op["requestBody"] = obj{"required": true, "description": "The SBOM document, as a file's bytes.", "content": obj{
				"application/vnd.cyclonedx+json": obj{"schema": obj{}}, "application/vnd.cyclonedx+xml": obj{"schema": obj{}},
				"application/spdx+json": obj{"schema": obj{}}, "text/spdx": obj{"schema": obj{}},
				"application/json": obj{"schema": obj{}}, "application/xml": obj{"schema": obj{}},
				"application/octet-stream": obj{"schema": obj{}}}}
		default:
			op["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": ref(rt.body)}}}
		}
		resp := obj{}
		ok := obj{"description": http.StatusText(rt.status)}
		switch {
		case rt.resp == "raw":
			// The document is served with the media type of its format
			// (getSBOMDocument), octet-stream when it has none.
			bin := obj{"schema": obj{"type": "string", "format": "binary"}}
			ok["content"] = obj{"application/vnd.cyclonedx+json": bin, "application/vnd.cyclonedx+xml": bin,
				"application/spdx+json": bin, "text/spdx": bin, "application/octet-stream": bin}
		case rt.list:
			ok["content"] = obj{"application/json": obj{"schema": object([]string{"items"}, obj{
				"items": arr(ref(rt.resp)), "next_cursor": obj{"type": "string", "description": "pass as cursor for the next page; absent on the last page"}})}}
			ok["headers"] = obj{"Link": obj{"description": `<next page URL>; rel="next"`, "schema": str()}}
		case rt.resp != "":
			ok["content"] = obj{"application/json": obj{"schema": ref(rt.resp)}}
		}
		if rt.method == "GET" {
			if ok["headers"] == nil {
				ok["headers"] = obj{}
			}
			ok["headers"].(obj)["ETag"] = obj{"description": "strong validator of the body; send as If-None-Match to get 304", "schema": str()}
			resp["304"] = obj{"description": "Not Modified (If-None-Match matched)"}
		}
		resp[strconv.Itoa(rt.status)] = ok
		var errs []int
		if !rt.public {
			errs = append(errs, 401, 403)
		} else {
			errs = append(errs, 401)
		}
		if rt.op == "login" {
			errs = append(errs, 503) // password checks are bounded
		}
		if strings.Contains(rt.path, "{") {
			errs = append(errs, 404)
		}
		if rt.body != "" || len(rt.query) > 0 {
			errs = append(errs, 400)
		}
		if rt.body != "" {
			errs = append(errs, 413)
			if rt.body != "sbom" {
				errs = append(errs, 415)
			}
		}
		if rt.method == "POST" || rt.method == "PATCH" {
			errs = append(errs, 409)
		}
		if rt.body == "sbom" {
			errs = append(errs, 422)
		}
		errs = append(errs, 500)
		for _, c := range errs {
			resp[strconv.Itoa(c)] = obj{"description": http.StatusText(c), "content": problem}
		}
		op["responses"] = resp
		if !rt.public {
			op["x-medvigil-right"] = rt.need.String()
		} else {
			op["security"] = []obj{}
		}
		item, _ := paths[rt.path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	paths["/api/v1/openapi.json"] = obj{"get": obj{"operationId": "getOpenAPI", "summary": "This document", "tags": []string{"meta"},
		"security": []obj{}, "responses": obj{"200": obj{"description": "OK", "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}}}}
	return obj{
		"openapi": "3.1.0",
		"info": obj{"title": "medvigil API", "version": "1", "license": obj{"name": "Apache-2.0", "identifier": "Apache-2.0"},
			"description": "Medical-device cybersecurity across the product life cycle: products, versions, SBOMs, findings, vulnerabilities, notifications. " +
				"Every object belongs to the caller's organization; objects of other organizations answer 404. Errors are RFC 9457 problem details. " +
				"Lists use cursor pagination (limit, cursor → next_cursor). Roles: viewer reads, analyst also writes products, versions, SBOMs and finding statuses, admin also manages users, tokens and webhooks."},
		"servers":    []obj{{"url": "/"}},
		"security":   []obj{{"bearer": []string{}}},
		"tags":       []obj{},
		"paths":      paths,
		"components": obj{"schemas": schemas(), "securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer", "description": "An API token (mvg_…) from POST /api/v1/tokens, POST /api/v1/auth/login or `medvigil admin`."}}},
	}
}
