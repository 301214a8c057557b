//! The OpenAPI 3.1 document, generated from the handlers' annotations and the model's schemas.
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::{events, tasks};
use crate::model::{CompleteBody, FieldError, NewTask, Priority, Problem, TagName, Tags, Task, TaskPatch, TaskReplace};

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
