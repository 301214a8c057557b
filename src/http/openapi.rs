//! The OpenAPI 3.1 document, generated from the handlers' annotations and the model's schemas.
use utoipa::{
    IntoParams, Modify, OpenApi, PartialSchema, ToSchema,
    openapi::{
        ArrayBuilder, ObjectBuilder, Ref, RefOr, Required, Schema,
        path::{Parameter, ParameterBuilder, ParameterIn},
        schema::{KnownFormat, SchemaFormat, Type},
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use super::{events, tasks};
use crate::model::{
    CompleteBody, FieldError, LIMIT_DEFAULT, LIMIT_MAX, NewTask, Order, Priority, Problem, SortKey, StatusFilter,
    TAG_MAX, TAG_PATTERN, TAGS_MAX, Task, TaskPatch, TaskReplace,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Ticklist API", description = "User-scoped tasks; every request carries a Better Auth JWT as a Bearer token."),
    paths(tasks::list, tasks::create, tasks::get, tasks::replace, tasks::patch, tasks::delete, tasks::complete, events::events),
    components(schemas(Task, Priority, NewTask, TaskReplace, TaskPatch, CompleteBody, Tags, TagName, Problem, FieldError)),
    modifiers(&BearerAuth),
    tags((name = "tasks", description = "A user's tasks"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// `Priority` is a string of its wire words (see `model::words`), listed from the same table.
impl PartialSchema for Priority {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("How urgent a task is. Ordered: `Low < Medium < High`."))
            .enum_values(Some(Priority::WORDS))
            .into()
    }
}

impl ToSchema for Priority {}

/// The list query's parameters (`GET /api/{user_id}/tasks?...`). Written out here rather than in the
/// `#[utoipa::path]` attribute because an attribute takes only literals: this way the patterns and
/// limits come from the model's words and constants, which the parser uses too.
pub struct ListParams;

impl IntoParams for ListParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let words = |pattern: &str| ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).build();
        let date = || {
            ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        };
        let tag = ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String).pattern(Some(r"\S")).max_length(Some(TAG_MAX)))
            .max_items(Some(TAGS_MAX));
        let integer = |minimum: u64, maximum: Option<u64>| {
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(minimum)).maximum(maximum)
        };
        let choices = |words: &[&str], default: &str| format!("{} (default {default})", words.join(" | "));
        [
            (
                "status",
                words(StatusFilter::PATTERN).into(),
                choices(&StatusFilter::WORDS, StatusFilter::default().as_str()),
            ),
            (
                "q",
                ObjectBuilder::new().schema_type(Type::String).into(),
                "Text searched in title and description, case-insensitive".into(),
            ),
            ("tag", tag.into(), format!("A tag; repeatable, at most {TAGS_MAX} (tasks having all)")),
            ("priority", words(Priority::PATTERN).into(), Priority::WORDS.join(" | ")),
            ("due_before", date().into(), "YYYY-MM-DD, inclusive".into()),
            ("due_after", date().into(), "YYYY-MM-DD, inclusive".into()),
            ("sort", words(SortKey::PATTERN).into(), choices(&SortKey::WORDS, SortKey::default().as_str())),
            ("order", words(Order::PATTERN).into(), choices(&Order::WORDS, Order::default().as_str())),
            (
                "limit",
                integer(1, Some(u64::from(LIMIT_MAX))).into(),
                format!("1-{LIMIT_MAX} (default {LIMIT_DEFAULT})"),
            ),
            ("offset", integer(0, None).into(), ">= 0 (default 0)".into()),
        ]
        .into_iter()
        .map(|(name, schema, description): (&str, RefOr<Schema>, String)| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        })
        .collect()
    }
}

/// Problem responses shared by the task endpoints. `#[utoipa::path]` lists each endpoint's success
/// response itself and names one of these for its failures, so each failure is described once.
mod failures {
    use std::collections::BTreeMap;

    use utoipa::{
        IntoResponses,
        openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, response::Response},
    };

    const AUTH: (&str, &str) = ("401", "Missing or invalid token");
    const OWNER: (&str, &str) = ("403", "Another user's path");
    const MISSING: (&str, &str) = ("404", "No such task for this user");
    const BAD_ID: (&str, &str) = ("400", "The id is not a 64-bit integer");
    const BAD_BODY_OR_ID: (&str, &str) =
        ("400", "Malformed JSON, wrong types, unknown fields, or an id that is not a 64-bit integer");
    const NOT_JSON: (&str, &str) = ("415", "Not JSON");
    const INVALID: (&str, &str) = ("422", "Fields broke their rules");
    const UNAVAILABLE: (&str, &str) = ("503", "Database unavailable");

    /// `application/problem+json` responses with the `Problem` schema, by status.
    fn problems(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
        list.iter()
            .map(|&(status, description)| {
                let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
                let response =
                    ResponseBuilder::new().description(description).content("application/problem+json", content);
                (status.to_owned(), response.build().into())
            })
            .collect()
    }

    macro_rules! failures {
        ($($(#[$doc:meta])* $name:ident = [$($failure:expr),+ $(,)?];)+) => {$(
            $(#[$doc])*
            pub struct $name;

            impl IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    problems(&[$($failure),+])
                }
            }
        )+};
    }

    failures! {
        /// `GET /tasks`.
        ListFailures = [("400", "Unknown or invalid parameter"), AUTH, OWNER, UNAVAILABLE];
        /// `POST /tasks`.
        CreateFailures = [
            ("400", "Malformed JSON, wrong types or unknown fields"),
            AUTH,
            OWNER,
            ("413", "Body over 64 KiB"),
            NOT_JSON,
            ("422", "Fields broke their rules (all listed)"),
            UNAVAILABLE,
        ];
        /// `GET` and `DELETE` of one task.
        TaskFailures = [BAD_ID, AUTH, OWNER, MISSING];
        /// `PUT` and `PATCH` of one task.
        ChangeFailures = [BAD_BODY_OR_ID, AUTH, OWNER, MISSING, NOT_JSON, INVALID];
        /// `PATCH /tasks/{id}/complete`, whose body is optional.
        CompleteFailures = [BAD_BODY_OR_ID, AUTH, OWNER, MISSING, ("415", "A body that is not JSON")];
    }
}

pub use failures::{ChangeFailures, CompleteFailures, CreateFailures, ListFailures, TaskFailures};

/// One tag, as the OpenAPI document describes it (the server also trims and lower-cases it).
pub struct TagName;

impl PartialSchema for TagName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(TAG_MAX))
            .pattern(Some(TAG_PATTERN))
            .into()
    }
}

impl ToSchema for TagName {}

/// A task's tags, as the OpenAPI document describes them (duplicates are refused case-insensitively).
pub struct Tags;

impl PartialSchema for Tags {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new().items(Ref::from_schema_name("TagName")).max_items(Some(TAGS_MAX)).unique_items(true).into()
    }
}

impl ToSchema for Tags {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push(("TagName".into(), TagName::schema()));
    }
}
