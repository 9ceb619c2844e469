//! End-to-end tests against a real local HTTP server (wiremock on 127.0.0.1), generated from
//! the docs: every operation with a documented request and response example is called
//! through the client and must return the documented result. Also generated, on the first
//! suitable operations: a Graph error response, a two-page `@odata.nextLink` sequence, and
//! path values that try to change the path (`/`, `?`, `#`, `%2F`, `..`, spaces, non-ASCII).

use super::areas::Areas;
use super::requests::OpNames;
use super::{EmitError, HEADER, format_body, format_items_body};
use crate::ident;
use crate::ir::{Example, ExampleKind, Ir, Operation};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

const SUPPORT: &str = include_str!("../../templates/client_support.rs");

/// Request/response example pairs per operation: by annotation name, else a response pairs
/// with the nearest request before it on the same page.
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
                    ir.examples
                        .iter()
                        .find(|r| r.kind == ExampleKind::Request && r.name.as_ref() == Some(n))
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

/// `Op::ctor(values.., body)` for a request example, if it can be built.
fn call(op_names: &OpNames, op: &Operation, req: &Example) -> Option<TokenStream> {
    let c = req.call.as_ref()?;
    if !c.query.is_empty() {
        return None;
    }
    let root = ident::make_ident(op_names.module(&op.id));
    let ty = op_names.ident(&op.id);
    let ctor = ident::make_ident(&op_names.constructors(&op.id)[c.path]);
    let values = &c.values;
    let body = match (&op.body, req.body.is_null()) {
        (Some(_), false) => {
            let b = serde_json::to_string(&req.body).ok()?;
            quote! { serde_json::from_str(#b).unwrap() }
        }
        (Some(_), true) => quote! { Default::default() },
        (None, true) => quote! {},
        (None, false) => return None,
    };
    Some(quote! { requests::#root::#ty::#ctor(#(#values,)* #body).unwrap() })
}

pub fn tests_file(
    ir: &Ir,
    op_names: &OpNames,
    areas: &Areas,
    crate_name: &str,
) -> Result<(String, usize), EmitError> {
    let krate_name = crate_name.replace('-', "_");
    let support_text = SUPPORT.replace("graph_client", &format!("{krate_name}::client"));
    let support = || {
        support_text
            .parse::<TokenStream>()
            .map_err(|e| EmitError(format!("client support template: {e}")))
    };
    let ops: BTreeMap<&str, &Operation> =
        ir.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    // Which pairs become tests and their names first (sequential: counters per builder),
    // then the tests built and formatted in parallel chunks.
    let mut chosen: Vec<(&Operation, &Example, &Example, String)> = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (req, resp) in pairs(ir) {
        let Some(op) = req.operation.as_deref().and_then(|id| ops.get(id)) else {
            continue;
        };
        if resp.mismatch.is_some() || req.mismatch.is_some() {
            continue;
        }
        if call(op_names, op, req).is_none() {
            continue;
        }
        if op.response.ty.is_some() && resp.body.is_null() {
            continue;
        }
        let base = ident::field_name(&format!("{}_end_to_end", op_names.ident(&op.id)));
        let n = names.entry(base.clone()).or_default();
        *n += 1;
        chosen.push((
            op,
            req,
            resp,
            if *n == 1 { base } else { format!("{base}_{n}") },
        ));
    }
    let build = |(op, req, resp, name): &(&Operation, &Example, &Example, String)| {
        let Some(call) = call(op_names, op, req) else {
            return quote! {};
        };
        let krate = ident::make_ident(&krate_name);
        let status = resp.status.or(op.response.status).unwrap_or(200);
        let body = if resp.body.is_null() {
            String::new()
        } else {
            serde_json::to_string_pretty(&resp.body).unwrap_or_default()
        };
        let path = crate::ir::path::percent_decode(crate::ir::path::strip_service_root(
            &req.request_line.as_ref().unwrap().1,
        ));
        let verb = &op.method;
        let send =
            quote! { client.send(#krate::#call).await.expect("the documented call succeeds") };
        let check = if op.response.ty.is_some() {
            quote! { let output = #send; same_json(&output, #body); }
        } else {
            quote! { #send; }
        };
        let name = ident::make_ident(name);
        let doc = format!(" {} and {}:{}", req.loc, resp.loc.file, resp.loc.line);
        let cfg = areas.cfg_of(&op.id);
        quote! {
            #cfg
            #[doc = #doc]
            #[tokio::test]
            async fn #name() {
                let (server, client) = local().await;
                serve(&server, #verb, #path, #status, #body).await;
                #check
            }
        }
    };
    let (support, (tests, extra)) = rayon::join(
        || format_body(support()?, "tests/client.rs"),
        || {
            rayon::join(
                || format_items_body(&chosen, build, "tests/client.rs"),
                || {
                    format_body(
                        extra_tests(ir, op_names, areas, &krate_name),
                        "tests/client.rs",
                    )
                },
            )
        },
    );
    Ok((
        format!("{HEADER}\n{}{}{}", support?, tests?, extra?),
        chosen.len(),
    ))
}

/// The error, paging and path-injection tests, on the first suitable operations.
fn extra_tests(ir: &Ir, op_names: &OpNames, areas: &Areas, krate_name: &str) -> TokenStream {
    let krate = ident::make_ident(krate_name);
    let mut tests = Vec::new();
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
    quote! { #(#tests)* }
}
