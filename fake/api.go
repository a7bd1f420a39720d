package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"
)

// handler serves one operation. It returns the response document (sent with
// status 200, as Partnero answers creates too) or an error, which
// toAPIError turns into a status and an error body.
type handler func(c *call) (any, error)

// call is one validated API request, as handlers see it.
type call struct {
	r      *http.Request
	t      *tenant
	op     string
	params pathParams // path parameters
	query  url.Values // query string, merged with a GET/DELETE body
	input  any        // the cleaned JSON body of POST/PUT, {} otherwise
	doc    any        // the cleaned body as sent, for the fidelity warnings

	bodyValid bool // the body is one JSON document, as json.Valid checks (cleanJSON)

	warnings warningSet // fidelity warnings for the response

	vr *http.Request // the request as validated, once built (validationRequest)

	decoders *decoders // the server's, for decode

	mem *answerMemory // the exchange's, for memory
}

// answerMemory is where a handler writes the one record it answers with
// (answerCustomer, createTransaction), so that the answer allocates
// nothing of its own. It comes with a pooled exchange, and what a request
// used of it is emptied when the exchange is released: nothing in it
// outlives the request.
type answerMemory struct {
	used        uint8              // which of the below the request used
	customer    customerScratch    // a customer's view and wire form
	transaction transactionScratch // a sale's input and answer
}

// What a request used of its answerMemory.
const (
	usedCustomer uint8 = 1 << iota
	usedTransaction
)

// memory returns the call's answerMemory, with use marked as used (and
// therefore emptied when the exchange is released).
func (c *call) memory(use uint8) *answerMemory {
	if c.mem == nil {
		c.mem = new(answerMemory)
	}
	c.mem.used |= use
	return c.mem
}

// reset empties what a request used of m.
func (m *answerMemory) reset() {
	if m.used&usedCustomer != 0 {
		m.customer = customerScratch{}
	}
	if m.used&usedTransaction != 0 {
		m.transaction = transactionScratch{}
	}
	m.used = 0
}

// decode reads the cleaned body into v: the handler's typed view of the
// document parsed once by the parse stage.
func (c *call) decode(v any) error {
	if c.decoders != nil && c.decoders.decodeInto(v, c.input) {
		return nil
	}
	b, ok := appendGeneric(make([]byte, 0, 256), c.input) // json.Marshal's bytes, without its reflection
	var err error
	if !ok {
		b, err = json.Marshal(c.input)
	}
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return fieldError("body", "The request body could not be read: "+err.Error())
	}
	return nil
}

// response is a finished API response, before it is written.
type response struct {
	status int
	header http.Header
	body   []byte
	op     string // operationId, "" when no route matched
	fault  string // the fault rule that answered, if any

	doc envelopeAppender // the document of body, when it wrote itself (strict mode asks it for its decoded value)

	scratch *[]byte // body's buffer when it came from the server's pool (see recycle)
}

// recycle gives the response's buffer back to the server's pool, once the
// body is written and journaled; a buffer past maxScratch is let go.
func (s *Server) recycle(resp *response) {
	if resp.scratch != nil && cap(*resp.scratch) <= maxScratch {
		s.bufs.Put(resp.scratch)
	}
	resp.body, resp.scratch = nil, nil
}

// exchange is one API request on its way through the stages of the
// pipeline, and its response; the log and the journal read it.
type exchange struct {
	r         *http.Request  // as received
	rr        *http.Request  // as routed: HEAD as GET, one trailing slash trimmed
	body      []byte         // the request body as received
	operation *operation     // the operation routed to
	kin       *routers.Route // its kin-openapi route, once the slow path needs it (contract.kinRoute)
	params    pathParams
	paramBuf  [2]pathParam // where params live: the contract's paths have at most one
	op        string
	key       string
	t         *tenant    // nil when the request never reached a tenant
	query     url.Values // normalized input, when known
	c         *call      // the prepared call, when the request got that far
	call      call       // c's memory: one allocation per request for both
	resp      *response
	answer    response      // resp's memory when the handler answered
	mem       *answerMemory // the handler's memory (call.memory), kept with x when it is released
}

// journalBody is the request body as the journal keeps it (journalBody),
// without checking again the syntax of a body the parse stage proved valid.
func (x *exchange) journalBody() json.RawMessage {
	if x.c != nil && x.c.bodyValid {
		return journalEncoded(x.body)
	}
	return journalBody(x.body)
}

// warnings returns the fidelity warnings of the exchange.
func (x *exchange) warnings() []Warning {
	if x.c == nil {
		return nil
	}
	return x.c.warnings.list()
}

// warningCounts returns how many warnings of each code the exchange got,
// including those past MaxWarnings.
func (x *exchange) warningCounts() map[string]int {
	if x.c == nil {
		return nil
	}
	return x.c.warnings.byCode
}

// serveAPI serves /v1: run the pipeline, write the response, log one line
// and journal the exchange.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := s.handleAPI(r)
	resp, key := x.resp, x.key
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	warnings := x.warnings()
	for _, w := range warnings {
		h.Add(WarningHeader, w.String())
	}
	vals := &[2]string{"application/json", strconv.Itoa(len(resp.body))} // one allocation for both
	h["Content-Type"] = vals[0:1:1]                                      // exactly: the PHP SDK compares it verbatim
	h["Content-Length"] = vals[1:2:2]
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.body)
	}
	end := time.Now()
	var label string // the key's tag, hashed once per tenant
	if x.t != nil {
		label = x.t.label
	} else {
		label = redact(key)
	}
	s.logRequest(r.Context(), RequestLine{Time: end, Method: r.Method, Path: r.URL.Path, Operation: resp.op, Status: resp.status,
		Tenant: label, Warnings: len(warnings), Duration: end.Sub(start)})
	if x.t != nil {
		e := JournalEntry{Client: clientOf(r),
			Time: x.t.clock.Now(), Method: r.Method, Path: r.URL.Path, Query: x.query, Operation: resp.op,
			Status: resp.status, RequestBody: x.journalBody(), ResponseBody: journalEncoded(resp.body),
			Fault: resp.fault, Warnings: warnings,
		}
		x.t.journal.add(clientOf(r), e)
		if len(warnings) > 0 {
			x.t.warned.add(e, x.warningCounts())
		}
	}
	s.recycle(resp)
	s.release(x)
}

// release empties x and gives it back for another request. Nothing keeps
// x once serveAPI has written, logged and journaled it: the journal entry
// and the warning log copy what they keep, and share with x only memory x
// points to (the query, the warnings' slice and counts), never x's own.
func (s *Server) release(x *exchange) {
	mem := x.mem
	*x = exchange{}
	if mem != nil {
		mem.reset()
		x.mem = mem
	}
	s.xs.Put(x)
}

// handleAPI runs an API request through the pipeline's stages, in order.
// A stage that answers (an error, an injected fault) ends the request;
// the body is read by the first stage and parsed once, by the parse stage,
// after the limits of the check stage.
func (s *Server) handleAPI(r *http.Request) *exchange {
	x, _ := s.xs.Get().(*exchange) // empty: see release
	if x == nil {
		x = new(exchange)
	}
	x.r = r
	for _, stage := range []func(*exchange) error{
		s.readStage,     // the body, within MaxBodyBytes
		s.routeStage,    // the operation of openapi.yaml, path parameters decoded
		s.authStage,     // the API key, its tenant (MaxTenants)
		s.checkStage,    // parameters and body within the limits, before parsing
		s.parseStage,    // the body parsed and cleaned once; the fidelity warnings
		s.faultStage,    // the tenant's fault rules
		s.validateStage, // the parameters and the parsed body against openapi.yaml
		s.runStage,      // the operation's handler
	} {
		if err := stage(x); err != nil {
			x.resp = errorResponse(toAPIError(err), x.op)
			break
		}
		if x.resp != nil {
			break
		}
	}
	return x
}

// maxScratch is the largest response buffer kept for reuse: a list page
// of 250 customers is past it, and is not worth keeping.
const maxScratch = 64 << 10

func errorResponse(e *apiError, op string) *response {
	b, _ := json.Marshal(e.body())
	return &response{status: e.status, header: e.header, body: b, op: op}
}

// jsonResponse encodes doc. Documents with a hand-written encoder are
// written into a scratch buffer from bufs (nil: a new one), which the body
// then is: serveAPI gives it back (recycle) once the body is written and
// journaled, as the journal keeps a copy.
func jsonResponse(status int, doc any, op string, bufs *sync.Pool) (response, error) {
	e, isEnvelope := doc.(envelope)
	if p, ok := doc.(*envelope); ok {
		e, isEnvelope = *p, true
	}
	if isEnvelope {
		if a, ok := e.appender(); ok {
			var scratch *[]byte
			if bufs != nil {
				scratch, _ = bufs.Get().(*[]byte)
			}
			if scratch == nil {
				scratch = new([]byte)
			}
			*scratch = a.appendJSON((*scratch)[:0])
			resp := response{status: status, body: *scratch, op: op, doc: a}
			if bufs != nil {
				resp.scratch = scratch
			}
			return resp, nil
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // URLs in links must read as sent: & not \u0026
	if err := enc.Encode(doc); err != nil {
		return response{}, err
	}
	return response{status: status, body: bytes.TrimSuffix(buf.Bytes(), []byte("\n")), op: op}, nil
}
