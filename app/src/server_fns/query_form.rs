//! [`QueryForm`]: how `list_tasks` carries its typed [`TaskQuery`] — as the form body
//! `query=<the list query string>`, the same words as the board's URL and REST's query string.
//!
//! server_fn's own URL encoding would decode the arguments with serde and turn a bad value into its
//! `Args` error: one message, no field names. This encoding reads the body with the list query's own
//! parser instead, so a bad query is refused as REST refuses it: 400 with every bad parameter.
use http::Method;
use server_fn::{
    ContentType,
    codec::{Encoding, FromReq, IntoReq},
    request::{ClientReq, Req},
};
use ticklist::model::TaskQuery;

use super::{FnError, ListTasks};

/// The arguments as one form field, `query`, holding a list query string.
pub struct QueryForm;

impl ContentType for QueryForm {
    const CONTENT_TYPE: &'static str = "application/x-www-form-urlencoded";
}

impl Encoding for QueryForm {
    const METHOD: Method = Method::POST;
}

/// The form field the query travels in.
const FIELD: &str = "query";

/// The form body that carries `query`.
fn body(query: &TaskQuery) -> String {
    form_urlencoded::Serializer::new(String::new()).append_pair(FIELD, &query.to_query_string()).finish()
}

impl<Request: ClientReq<FnError>> IntoReq<QueryForm, Request, FnError> for ListTasks {
    fn into_req(self, path: &str, accepts: &str) -> Result<Request, FnError> {
        Request::try_new_post(path, QueryForm::CONTENT_TYPE, accepts, body(&self.query))
    }
}

impl<Request: Req<FnError> + Send + 'static> FromReq<QueryForm, Request, FnError> for ListTasks {
    async fn from_req(req: Request) -> Result<Self, FnError> {
        let body = req.try_into_string().await?;
        // A missing field is the empty query (the default view), as a missing query string is in REST.
        let raw = form_urlencoded::parse(body.as_bytes())
            .find(|(name, _)| name == FIELD)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        TaskQuery::parse(&raw).map(|query| ListTasks { query }).map_err(refused)
    }
}

/// A query that does not parse: on the server the 400 problem REST answers; the browser never reads a
/// request, so there it is only the type's requirement.
fn refused(errors: Vec<ticklist::model::FieldError>) -> FnError {
    #[cfg(feature = "ssr")]
    return super::server::invalid_query(errors);
    #[cfg(not(feature = "ssr"))]
    {
        let _ = errors;
        FnError::Problem(ticklist::model::Problem::new(400, "Bad Request", None))
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use axum::body::Body;

    use super::*;

    /// Reads the arguments of a `POST` with `body` as the server does.
    async fn read(body: &str) -> Result<ListTasks, FnError> {
        let request = http::Request::post("/api/fn/list_tasks").body(Body::from(body.to_owned())).unwrap();
        <ListTasks as FromReq<QueryForm, _, FnError>>::from_req(request).await
    }

    #[tokio::test]
    async fn the_server_reads_the_query_the_board_writes() {
        let query = TaskQuery::parse("status=pending&tag=home&sort=title&limit=5").unwrap();
        let args = read(&body(&query)).await.unwrap();
        assert_eq!(args.query, query);
        assert_eq!(read("").await.unwrap().query, TaskQuery::default());
    }

    #[tokio::test]
    async fn a_bad_query_is_refused_with_every_bad_parameter() {
        let error = read("query=status%3Ddone%26limit%3D0").await.unwrap_err();
        let problem = error.problem();
        assert_eq!(problem.status, 400);
        let fields: Vec<_> = problem.errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["status", "limit"]);
    }
}
