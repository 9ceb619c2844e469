//! End-to-end tests against a real local HTTP server (wiremock on 127.0.0.1), generated from
//! the docs: every operation with a documented request and response example is called
//! through the client and must return the documented result. The exchanges are a table
//! (`tests/client.rs`, support code in `templates/client_support.rs`) that one test runs
//! against one server, its mocks reset between exchanges; each row carries its area's `cfg`
//! and a small closure that builds the operation and sends it. Also generated, as separate
//! tests, on the first suitable operations: a Graph error response, a two-page
//! `@odata.nextLink` sequence, and path values that try to change the path (`/`, `?`, `#`,
//! `%2F`, `..`, spaces, non-ASCII).

use super::requests::{OpNames, Reading};
use super::syntax;
use super::template::{Subst, Template};
use super::{EmitError, examples};
use crate::ident;
use crate::ir::{Body, Example, ExampleKind, Ir, Method, Operation};
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

/// The templates of the rows, parsed once per thread (see [`super::template`]).
struct Templates {
    send_json: Template<syn::Expr>,
    send: Template<syn::Expr>,
    send_bytes: Template<syn::Expr>,
    send_bytes_body: Template<syn::Expr>,
    body: syn::Expr,
    default_body: syn::Expr,
    bytes_body: syn::Expr,
    none: syn::Expr,
    some_str: Template<syn::Expr>,
    row: Template<syn::Expr>,
    table: Template<syn::Item>,
}

fn templates() -> Result<std::rc::Rc<Templates>, EmitError> {
    syntax::cached("client exchanges", || {
        let e = |t: TokenStream| syn::parse2::<syn::Expr>(t);
        Ok(Templates {
            send_json: Template::parse(
                "send with json body",
                quote! { |client, body| send(client, json(body).and_then(|body| __builder)) },
            )?,
            send: Template::parse("send", quote! { |client, _| send(client, __builder) })?,
            send_bytes: Template::parse(
                "send for bytes",
                quote! { |client, _| send_bytes(client, __builder) },
            )?,
            send_bytes_body: Template::parse(
                "send bytes",
                quote! { |client, body| send(client, __builder) },
            )?,
            body: e(quote! { body })?,
            default_body: e(quote! { Default::default() })?,
            bytes_body: e(quote! { body.as_bytes() })?,
            none: e(quote! { None })?,
            some_str: Template::parse("some text", quote! { Some("__s") })?,
            row: Template::parse(
                "exchange row",
                quote! {
                    Exchange {
                        name: "__name",
                        at: "__at",
                        method: "__method",
                        path: "__path",
                        request: "__request",
                        status: __status,
                        request_type: __request_type,
                        response: "__response",
                        expect: Expect::__expect,
                        call: __call,
                    }
                },
            )?,
            table: Template::parse(
                "exchange table",
                quote! {
                    /// Every documented exchange that can be replayed, in the order of the docs.
                    static EXCHANGES: &[Exchange] = &[__elems];
                },
            )?,
        })
    })
}

/// A request example's call: `|client, body| send(client, Op::ctor(values.., body))` (or
/// `send_bytes` for a download), the body it sends and its one `Content-Type`, if it can be
/// built.
fn call(
    t: &Templates,
    op_names: &OpNames,
    krate: &syn::Ident,
    op: &Operation,
    req: &Example,
) -> Result<Option<(syn::Expr, String, syn::Expr)>, EmitError> {
    let Some(c) = req.call.as_ref() else {
        return Ok(None);
    };
    if !c.query.is_empty() {
        return Ok(None);
    }
    let json_type = || {
        Subst::new()
            .with_str("__s", "application/json")
            .apply(&t.some_str)
    };
    let mut args = Vec::new();
    let (template, request, request_type) = match (&op.body, &req.body) {
        (Some(Body::Binary { content_type }), body) => {
            // The example's text (none when the docs show none) as bytes, with the
            // documented content type; a body shown as JSON is not a body of bytes.
            let text = match body {
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Null => String::new(),
                _ => return Ok(None),
            };
            let content_type = content_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            args.push(t.bytes_body.clone());
            args.push(syntax::str_expr(content_type));
            let request_type = Subst::new()
                .with_str("__s", content_type)
                .apply(&t.some_str)?;
            (&t.send_bytes_body, text, request_type)
        }
        (Some(_), serde_json::Value::Null) => {
            args.push(t.default_body.clone());
            (&t.send, String::new(), json_type()?)
        }
        (Some(_), body) => {
            let Ok(request) = serde_json::to_string(body) else {
                return Ok(None);
            };
            args.push(t.body.clone());
            (&t.send_json, request, json_type()?)
        }
        (None, serde_json::Value::Null) => (&t.send, String::new(), t.none.clone()),
        (None, _) => return Ok(None),
    };
    // A download is sent through `send_bytes` (its result is bytes, not JSON); one that
    // sends a body is not replayed.
    let template = match Reading::of(op) {
        Reading::Bytes if op.body.is_none() => &t.send_bytes,
        Reading::Bytes => return Ok(None),
        _ => template,
    };
    let args = super::requests::str_args(&c.values).chain(args);
    let builder = super::requests::constructor_call(krate, op_names, op, c.path, args)?;
    let send = Subst::new()
        .with_expr("__builder", &builder)
        .apply(template)?;
    Ok(Some((send, request, request_type)))
}

pub(crate) fn tests_file(
    ir: &Ir,
    names: &super::names::Names,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    crate_name: &str,
) -> Result<(String, usize), EmitError> {
    let krate = ident::make_ident(&crate_name.replace('-', "_"));
    let mut file = super::syntax::support_file(SUPPORT, "client support", &krate)?;
    let t = templates()?;
    let cases = exchange_rows(ir, names, op_names, areas, &krate, &t)?;
    let count = cases.len();
    let table = Subst::new().with_elems("__elems", cases).apply(&t.table)?;
    let mut tests: Vec<TokenStream> = Vec::new();
    // Error, paging and path-injection tests on the first suitable operations.
    tests.extend(error_and_path_tests(ir, op_names, areas, &krate));
    tests.extend(paging_test(ir, op_names, areas, &krate));
    tests.extend(call_tests(ir, op_names, areas, &krate)?);
    let parse = |tokens: TokenStream| {
        syn::parse2::<syn::File>(tokens)
            .map_err(|e| EmitError(format!("internal error: tests/client.rs: {e}")))
    };
    file.items.push(table);
    file.items.extend(parse(quote! { #(#tests)* })?.items);
    Ok((
        format!("{}\n{}", super::HEADER, super::print_file(file)),
        count,
    ))
}

/// A row of the exchange table per request example paired with its response, when the
/// client can be shown it over HTTP and would read it as documented.
fn exchange_rows(
    ir: &Ir,
    names: &super::names::Names,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    krate: &syn::Ident,
    t: &Templates,
) -> Result<Vec<syn::Expr>, EmitError> {
    let ops: BTreeMap<&str, &Operation> =
        ir.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let checker = crate::ir::validate::ExampleChecker::new(ir, names.polymorphic());
    let mut cases = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (req, resp) in pairs(ir) {
        let Some(op) = req.operation.as_deref().and_then(|id| ops.get(id)) else {
            continue;
        };
        if resp.mismatch.is_some() || req.mismatch.is_some() {
            continue;
        }
        let Some((call, request, request_type)) = call(t, op_names, krate, op, req)? else {
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
        let reading = Reading::of(op);
        let response = match (&resp.body, reading) {
            (serde_json::Value::Null, _) => String::new(),
            // A download is served as the example's text and compared as bytes.
            (serde_json::Value::String(text), Reading::Bytes) => text.clone(),
            _ => serde_json::to_string_pretty(&resp.body).unwrap_or_default(),
        };
        let expect = match (reading, response.is_empty()) {
            (Reading::NoContent, _) => "Nothing",
            (Reading::Json | Reading::JsonOrEmpty, false) => "Json",
            (Reading::JsonOrEmpty, true) => "Null",
            (Reading::Bytes, _) if resp.body.is_string() => "Bytes",
            // A typed answer without a body; a download the docs do not show as text (no
            // bytes to compare): not replayed.
            (Reading::Json, true) | (Reading::Bytes, _) => continue,
        };
        let (Some(line), Some(c)) = (&req.request_line, &req.call) else {
            continue;
        };
        let (path, _) = examples::expected_path_and_query(&line.url, &op.paths[c.path]);
        let verb = op.method.as_str();
        let base = ident::field_name(&format!("{}_end_to_end", op_names.ident(&op.id)));
        let n = names.entry(base.clone()).or_default();
        *n += 1;
        let name = if *n == 1 { base } else { format!("{base}_{n}") };
        let at = format!("{} and {}:{}", req.loc, resp.loc.file, resp.loc.line);
        let cfg = areas.cfg_of(&op.id);
        let status = syntax::lit_suffixed(status, "u16");
        let expect = syntax::id(expect);
        let mut row = Subst::new()
            .with_str("__name", &name)
            .with_str("__at", &at)
            .with_str("__method", verb)
            .with_str("__path", &path)
            .with_text("__request", &request)
            .with_expr("__status", &status)
            .with_expr("__request_type", &request_type)
            .with_text("__response", &response)
            .with_ident("__expect", &expect)
            .with_expr("__call", &call)
            .apply(&t.row)?;
        syntax::prepend_expr_attrs(&mut row, syntax::attrs(cfg)?)?;
        cases.push(row);
    }
    Ok(cases)
}

/// A Graph error response and hostile path values, on the first GET of one value whose
/// path has a parameter.
fn error_and_path_tests(
    ir: &Ir,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    krate: &syn::Ident,
) -> Option<TokenStream> {
    let single_get = ir.operations.iter().find(|o| {
        o.method == Method::Get
            && !o.response.collection
            && o.response.ty.is_some()
            && o.paths[0].params().count() >= 1
            && o.body.is_none()
            // Each value one segment (a value that is a path has its own test).
            && !has_segments(&o.paths[0])
    });
    let op = single_get?;
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
                ).insert_header("request-id", "r1"))
                .mount(&server)
                .await;
            match client.send(#ok_call.unwrap()).await {
                Err(e @ Error::Graph { .. }) => {
                    assert_eq!(e.status(), Some(404));
                    assert_eq!(e.request_id(), Some("r1"), "the response's request-id header");
                    let error = e.graph_error().unwrap();
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
    Some(gated)
}

/// Paging through `@odata.nextLink`, on the first GET of a collection.
fn paging_test(
    ir: &Ir,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    krate: &syn::Ident,
) -> Option<TokenStream> {
    let list = ir.operations.iter().find(|o| {
        o.method == Method::Get
            && o.response.collection
            && o.response.ty.is_some()
            && o.body.is_none()
    });
    let op = list?;
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
    Some(gated)
}

/// `krate::requests::root::Op::new(values.., body..)` on an operation's first path
/// ([`super::requests::constructor_call`]): `"p"` for each value, `path` for a value that is
/// a path (`root:/{item-path}:`).
fn first_call(
    op_names: &OpNames,
    krate: &syn::Ident,
    op: &Operation,
    path: TokenStream,
    body: TokenStream,
) -> Result<TokenStream, EmitError> {
    let parse = |t: TokenStream| {
        syn::parse2::<syn::Expr>(t).map_err(|e| EmitError(format!("internal error: {e}")))
    };
    let path = parse(path)?;
    let mut args: Vec<syn::Expr> = op.paths[0]
        .pieces
        .iter()
        .filter_map(|p| match p {
            crate::ir::path::Piece::Param { segments: true, .. } => Some(path.clone()),
            crate::ir::path::Piece::Param { .. } => Some(syntax::str_expr("p")),
            crate::ir::path::Piece::Literal { .. } => None,
        })
        .collect();
    let body = syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        body,
    )
    .map_err(|e| EmitError(format!("internal error: {e}")))?;
    args.extend(body);
    let call = super::requests::constructor_call(krate, op_names, op, 0, args)?;
    Ok(quote! { #call })
}

/// Tests of the calls the docs' exchanges may not show, each on the first documented
/// operation that has it: a download (bytes and content type as sent), an upload (exactly
/// the bytes, one `Content-Type`), a `PATCH` answered `204`, a value that is a path.
fn call_tests(
    ir: &Ir,
    op_names: &OpNames,
    areas: &super::areas::Areas,
    krate: &syn::Ident,
) -> Result<Vec<TokenStream>, EmitError> {
    let mut tests = Vec::new();
    let first = |f: &dyn Fn(&Operation) -> bool| ir.operations.iter().find(|o| f(o));
    let download =
        first(&|o| o.method == Method::Get && o.body.is_none() && Reading::of(o) == Reading::Bytes);
    if let Some(op) = download {
        let call = first_call(op_names, krate, op, quote! { "Folder A/b.pdf" }, quote! {})?;
        let cfg = areas.cfg_of(&op.id);
        tests.push(quote! {
            /// A documented download gives back the bytes and the content type the server sends.
            #cfg
            #[tokio::test]
            async fn documented_download_is_the_bytes_sent() {
                let (server, client) = local().await;
                let body = b"%PDF-\x00\xff{not json".to_vec();
                Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/pdf")).expect(1).mount(&server).await;
                let content = client.send(#call.unwrap()).await.unwrap();
                assert_eq!(content.bytes, body);
                assert_eq!(content.content_type.as_deref(), Some("application/pdf"));
            }
        });
    }
    let upload = first(&|o| matches!(o.body, Some(Body::Binary { .. })));
    if let Some(op) = upload {
        let call = first_call(
            op_names,
            krate,
            op,
            quote! { "f/g.txt" },
            quote! { body.clone(), "text/plain" },
        )?;
        let verb = op.method.as_str();
        let cfg = areas.cfg_of(&op.id);
        tests.push(quote! {
            /// A documented upload sends exactly the caller's bytes with one `Content-Type`.
            #cfg
            #[tokio::test]
            async fn documented_upload_sends_exactly_the_bytes() {
                let (server, client) = local().await;
                Mock::given(method(#verb)).respond_with(ResponseTemplate::new(200).set_body_raw(b"{}".to_vec(), "application/json")).expect(1).mount(&server).await;
                let body = b"\x00\xff{\"a\": 1}\r\n".to_vec();
                let _ = client.send(#call.unwrap()).await.unwrap();
                let received = server.received_requests().await.unwrap();
                assert_eq!(received[0].body, body);
                let types: Vec<_> = received[0].headers.get_all("content-type").iter().map(|v| v.to_str().unwrap().to_string()).collect();
                assert_eq!(types, ["text/plain"]);
            }
        });
    }
    let patch = first(&|o| {
        o.method == Method::Patch
            && Reading::of(o) == Reading::JsonOrEmpty
            && matches!(o.body, Some(Body::Type { .. } | Body::Parameters { .. }))
    });
    if let Some(op) = patch {
        let call = first_call(
            op_names,
            krate,
            op,
            quote! { "a/b" },
            quote! { Default::default() },
        )?;
        let cfg = areas.cfg_of(&op.id);
        tests.push(quote! {
            /// A documented PATCH answered `204 No Content` is `Ok(None)`.
            #cfg
            #[tokio::test]
            async fn documented_patch_answered_204_is_ok() {
                let (server, client) = local().await;
                Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
                assert!(client.send(#call.unwrap()).await.unwrap().is_none());
            }
        });
    }
    let colon =
        first(&|o| o.body.is_none() && o.paths[0].query.is_empty() && has_segments(&o.paths[0]));
    if let Some(op) = colon {
        let value = "Folder A/100%/x?y#z/b.txt";
        let call = first_call(op_names, krate, op, quote! { #value }, quote! {})?;
        let hostile = first_call(op_names, krate, op, quote! { value }, quote! {})?;
        let verb = op.method.as_str();
        let cfg = areas.cfg_of(&op.id);
        tests.push(quote! {
            /// A documented path value that is itself a path arrives with its slashes, each
            /// part intact; parts that would climb out of the path are refused.
            #cfg
            #[tokio::test]
            async fn documented_colon_path_arrives_with_its_slashes() {
                let (server, client) = local().await;
                Mock::given(method(#verb)).respond_with(ResponseTemplate::new(200).set_body_raw(b"{}".to_vec(), "application/json")).expect(1).mount(&server).await;
                let documented = #call.unwrap().into_parts().unwrap().path;
                let _ = client.send(#call.unwrap()).await;
                let received = server.received_requests().await.unwrap();
                let raw = received[0].url.path();
                assert_eq!(raw, format!("/beta{documented}"));
                assert!(decode(raw).contains(#value), "{raw}");
                assert!(received[0].url.query().is_none() && received[0].url.fragment().is_none(), "{raw}");
                for value in ["", "/a", "a/", "a//b", "..", "a/../b", "a/./b"] {
                    assert!(matches!(#hostile, Err(Error::InvalidPathValue(_))), "{value:?} is refused");
                }
            }
        });
    }
    Ok(tests)
}

/// Whether a path has a value that is itself a path (`root:/{item-path}:`).
fn has_segments(path: &crate::ir::path::PathTemplate) -> bool {
    path.pieces
        .iter()
        .any(|p| matches!(p, crate::ir::path::Piece::Param { segments: true, .. }))
}
