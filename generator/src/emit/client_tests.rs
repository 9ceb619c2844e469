//! End-to-end tests against a real local HTTP server (wiremock on 127.0.0.1), generated from
//! the docs: every operation with a documented request and response example is called
//! through the client and must return the documented result. The exchanges are a table
//! (`tests/client.rs`, support code in `templates/client_support.rs`) that one test runs
//! against one server, its mocks reset between exchanges; each row carries its area's `cfg`
//! and a small closure that builds the operation and sends it. Also generated, as separate
//! tests, on the first suitable operations: a Graph error response, a two-page
//! `@odata.nextLink` sequence, and path values that try to change the path (`/`, `?`, `#`,
//! `%2F`, `..`, spaces, non-ASCII).

use super::requests::OpNames;
use super::syntax::{self, Subst};
use super::{EmitError, examples};
use crate::ident;
use crate::ir::{Example, ExampleKind, Ir, Operation};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

const SUPPORT: &str = include_str!("../../templates/client_support.rs");

/// Request/response example pairs per operation: by annotation name on the same page, else a
/// response pairs with the nearest request before it on the same page. (Annotation names
/// repeat across pages: a response never pairs with another page's request.)
fn pairs(ir: &Ir) -> Vec<(&Example, &Example)> {
    let mut out = Vec::new();
    let mut pending: BTreeMap<&str, &Example> = BTreeMap::new();
    for ex in &ir.examples {
        let Some(op) = ex.operation.as_deref() else {
            continue;
        };
        match ex.kind {
            ExampleKind::Request => {
                pending.insert(op, ex);
            }
            ExampleKind::Response => {
                let named = ex.name.as_ref().and_then(|n| {
                    ir.examples.iter().find(|r| {
                        r.kind == ExampleKind::Request
                            && r.name.as_ref() == Some(n)
                            && r.loc.file == ex.loc.file
                    })
                });
                let req =
                    named.or_else(|| pending.remove(op).filter(|r| r.loc.file == ex.loc.file));
                if let Some(req) = req {
                    out.push((req, ex));
                }
            }
            ExampleKind::Example => {}
        }
    }
    out
}

/// The templates of the rows, parsed once per thread (see [`syntax`]).
#[derive(Clone)]
struct Templates {
    send_json: syn::Expr,
    send: syn::Expr,
    body: syn::Expr,
    default_body: syn::Expr,
    row: syn::Expr,
    table: Vec<syn::Item>,
}

fn templates() -> Result<Templates, EmitError> {
    syntax::cached("client exchanges", || {
        let e = |t: TokenStream| syn::parse2::<syn::Expr>(t);
        Ok(Templates {
            send_json: e(
                quote! { |client, body| send(client, json(body).and_then(|body| __builder)) },
            )?,
            send: e(quote! { |client, _| send(client, __builder) })?,
            body: e(quote! { body })?,
            default_body: e(quote! { Default::default() })?,
            row: e(quote! {
                Exchange {
                    name: "__name",
                    at: "__at",
                    method: "__method",
                    path: "__path",
                    request: "__request",
                    status: __status,
                    response: "__response",
                    typed: __typed,
                    call: __call,
                }
            })?,
            table: syntax::items(quote! {
                /// Every documented exchange that can be replayed, in the order of the docs.
                static EXCHANGES: &[Exchange] = &[__elems];
            })?,
        })
    })
}

/// `|client, body| send(client, Op::ctor(values.., body))` for a request example, if it
/// can be built.
fn call(
    t: &Templates,
    op_names: &OpNames,
    krate: &syn::Ident,
    op: &Operation,
    req: &Example,
) -> Result<Option<(syn::Expr, String)>, EmitError> {
    let Some(c) = req.call.as_ref() else {
        return Ok(None);
    };
    if !c.query.is_empty() {
        return Ok(None);
    }
    let (template, body, request) = match (&op.body, req.body.is_null()) {
        (Some(_), false) => {
            let Ok(request) = serde_json::to_string(&req.body) else {
                return Ok(None);
            };
            (&t.send_json, Some(&t.body), request)
        }
        (Some(_), true) => (&t.send, Some(&t.default_body), String::new()),
        (None, true) => (&t.send, None, String::new()),
        (None, false) => return Ok(None),
    };
    let builder =
        super::requests::constructor_call(krate, op_names, op, c.path, &c.values, body.cloned())?;
    let send = Subst::new()
        .expr("__builder", &builder)
        .expression(template.clone());
    Ok(Some((send, request)))
}

pub fn tests_file(
    ir: &Ir,
    names: &super::names::Names,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    crate_name: &str,
) -> Result<(String, usize), EmitError> {
    let krate = ident::make_ident(&crate_name.replace('-', "_"));
    let mut file = super::syntax::support_file(SUPPORT, "client support", &krate)?;
    let ops: BTreeMap<&str, &Operation> =
        ir.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let checker = crate::ir::validate::ExampleChecker::new(ir, names.polymorphic());
    let mut cases = Vec::new();
    let t = templates()?;
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (req, resp) in pairs(ir) {
        let Some(op) = req.operation.as_deref().and_then(|id| ops.get(id)) else {
            continue;
        };
        if resp.mismatch.is_some() || req.mismatch.is_some() {
            continue;
        }
        let Some((call, request)) = call(&t, op_names, &krate, op, req)? else {
            continue;
        };
        let status = resp.status.or(op.response.status).unwrap_or(200);
        // What the client cannot be shown over HTTP, or would not read as documented: a
        // redirect (followed by the transport), a body with a status that carries none
        // (`204 No Content` with a body: the server drops it), a response example of
        // another type than the operation returns.
        let bodiless = matches!(status, 100..=199 | 204 | 304);
        if examples::unparsed_status(status).is_some()
            || (bodiless && !resp.body.is_null())
            || !examples::fits_output(&checker, op, resp)
        {
            continue;
        }
        let response = if resp.body.is_null() {
            String::new()
        } else {
            serde_json::to_string_pretty(&resp.body).unwrap_or_default()
        };
        let typed = op.response.ty.is_some();
        if typed && response.is_empty() {
            continue;
        }
        let (Some((_, url)), Some(c)) = (&req.request_line, &req.call) else {
            continue;
        };
        let (path, _) = examples::expected_path_and_query(url, &op.paths[c.path]);
        let verb = &op.method;
        let base = ident::field_name(&format!("{}_end_to_end", op_names.ident(&op.id)));
        let n = names.entry(base.clone()).or_default();
        *n += 1;
        let name = if *n == 1 { base } else { format!("{base}_{n}") };
        let at = format!("{} and {}:{}", req.loc, resp.loc.file, resp.loc.line);
        let cfg = areas.cfg_of(&op.id);
        let status = syntax::lit_suffixed(status, "u16");
        let typed = syntax::bool_expr(typed);
        let mut row = Subst::new()
            .str("__name", &name)
            .str("__at", &at)
            .str("__method", verb)
            .str("__path", &path)
            .str("__request", &request)
            .expr("__status", &status)
            .str("__response", &response)
            .expr("__typed", &typed)
            .expr("__call", &call)
            .expression(t.row.clone());
        syntax::prepend_expr_attrs(&mut row, syntax::attrs(cfg)?)?;
        cases.push(row);
    }
    let count = cases.len();
    let table = Subst::new().elems("__elems", cases).items(t.table.clone());
    let mut tests: Vec<TokenStream> = Vec::new();
    // Error, paging and path-injection tests on the first suitable operations.
    let single_get = ir.operations.iter().find(|o| {
        o.method == "GET"
            && !o.response.collection
            && o.response.ty.is_some()
            && o.paths[0].params().count() >= 1
            && o.body.is_none()
    });
    if let Some(op) = single_get {
        let root = ident::make_ident(op_names.module(&op.id));
        let ty = op_names.ident(&op.id);
        let ctor = ident::make_ident(&op_names.constructors(&op.id)[0]);
        let n = op.paths[0].params().count();
        let fill = |v: TokenStream| {
            let args = (0..n).map(|i| {
                if i + 1 == n {
                    v.clone()
                } else {
                    quote! { "p" }
                }
            });
            quote! { #krate::requests::#root::#ty::#ctor(#(#args),*) }
        };
        let ok_call = fill(quote! { "missing" });
        let inj_call = fill(quote! { value });
        let cfg = areas.cfg_of(&op.id);
        let gated = quote! {
            /// A Graph error response becomes a typed `Error::Graph`.
            #cfg
            #[tokio::test]
            async fn graph_error_response_is_typed() {
                let (server, client) = local().await;
                Mock::given(method("GET"))
                    .respond_with(ResponseTemplate::new(404).set_body_raw(
                        br#"{"error": {"code": "Request_ResourceNotFound", "message": "Resource does not exist.", "innerError": {"request-id": "r1", "date": "2021-07-16T00:00:00"}}}"#.to_vec(),
                        "application/json",
                    ))
                    .mount(&server)
                    .await;
                match client.send(#ok_call.unwrap()).await {
                    Err(Error::Graph { status, error }) => {
                        assert_eq!(status, 404);
                        assert_eq!(error.code.as_deref(), Some("Request_ResourceNotFound"));
                        assert_eq!(error.message.as_deref(), Some("Resource does not exist."));
                        assert_eq!(error.inner_error.as_ref().and_then(|e| e.get("request-id")).and_then(|v| v.as_str()), Some("r1"));
                    }
                    other => panic!("expected a Graph error, got {other:?}"),
                }
            }

            /// Values that try to change the path reach the server as one encoded segment.
            #cfg
            #[tokio::test]
            async fn path_values_cannot_change_the_path() {
                let (server, client) = local().await;
                Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_raw(b"{}".to_vec(), "application/json")).mount(&server).await;
                let hostile = ["a/b", "a?b=c", "a#b", "a%2Fb", "../..", "a/../b", "...", "a b", "ünï/cödé", "x'y", "%"];
                for value in hostile {
                    client.send(#inj_call.unwrap()).await.expect("request succeeds");
                }
                let received = server.received_requests().await.unwrap();
                assert_eq!(received.len(), hostile.len());
                let documented = #ok_call.unwrap().into_parts().unwrap().path;
                let depth = documented.matches('/').count() + 1; // + the /beta prefix
                for (request, value) in received.iter().zip(hostile) {
                    let raw = request.url.path();
                    assert_eq!(raw.matches('/').count(), depth, "{value:?} changed the path: {raw}");
                    let last = raw.rsplit('/').next().unwrap();
                    assert_eq!(decode(last), value, "{value:?} arrives intact");
                    assert!(request.url.query().is_none() && request.url.fragment().is_none(), "{value:?} leaked into query or fragment");
                }
                for value in ["", ".", ".."] {
                    assert!(matches!(#inj_call, Err(Error::InvalidPathValue(_))), "{value:?} is rejected");
                }
            }
        };
        tests.push(gated);
    }
    let list = ir.operations.iter().find(|o| {
        o.method == "GET" && o.response.collection && o.response.ty.is_some() && o.body.is_none()
    });
    if let Some(op) = list {
        let root = ident::make_ident(op_names.module(&op.id));
        let ty = op_names.ident(&op.id);
        let ctor = ident::make_ident(&op_names.constructors(&op.id)[0]);
        let args = op.paths[0].params().map(|_| quote! { "p" });
        let cfg = areas.cfg_of(&op.id);
        let gated = quote! {
            /// A collection that spans two pages is followed through `@odata.nextLink`.
            #cfg
            #[tokio::test]
            async fn next_link_is_followed() {
                let (server, client) = local().await;
                let next = format!("{}/beta/page-two?$skiptoken=abc", server.uri());
                Mock::given(method("GET"))
                    .and(wiremock::matchers::path("/beta/page-two"))
                    .and(wiremock::matchers::query_param("$skiptoken", "abc"))
                    .and(header("authorization", "Bearer test-token"))
                    .respond_with(ResponseTemplate::new(200).set_body_raw(br#"{"value": [{"id": "3"}]}"#.to_vec(), "application/json"))
                    .expect(1)
                    .mount(&server)
                    .await;
                let first = format!(r#"{{"value": [{{"id": "1"}}, {{"id": "2"}}], "@odata.nextLink": "{next}"}}"#);
                Mock::given(method("GET"))
                    .and(wiremock::matchers::path_regex("^/beta/[^p]"))
                    .respond_with(ResponseTemplate::new(200).set_body_raw(first.into_bytes(), "application/json"))
                    .expect(1)
                    .mount(&server)
                    .await;
                let all = client.send_all(#krate::requests::#root::#ty::#ctor(#(#args),*).unwrap()).await.unwrap();
                let ids: Vec<_> = all.iter().map(|item| item.additional_properties.get("id").cloned().or_else(|| serde_json::to_value(item).ok().and_then(|v| v.get("id").cloned()))).collect();
                assert_eq!(ids.len(), 3);
                assert_eq!(serde_json::to_value(&all).unwrap(), serde_json::json!([{"id": "1"}, {"id": "2"}, {"id": "3"}]));
            }
        };
        tests.push(gated);
    }
    let parse = |tokens: TokenStream| {
        syn::parse2::<syn::File>(tokens)
            .map_err(|e| EmitError(format!("internal error: tests/client.rs: {e}")))
    };
    file.items.extend(table);
    file.items.extend(parse(quote! { #(#tests)* })?.items);
    Ok((
        format!("{}\n{}", super::HEADER, super::print_file(file)),
        count,
    ))
}
