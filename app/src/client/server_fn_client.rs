//! The server-function client: the browser's `fetch` client with `Authorization: Bearer <jwt>` added,
//! so server functions are authenticated exactly like REST calls.
use std::future::Future;

use send_wrapper::SendWrapper;
use server_fn::{
    client::{Client, browser::BrowserClient},
    error::FromServerFnError,
    request::browser::BrowserRequest,
    response::browser::BrowserResponse,
};

pub struct BearerClient;

impl<E, IS, OS> Client<E, IS, OS> for BearerClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(request: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        SendWrapper::new(async move {
            // Without a token the call goes out bare and the server answers 401; the caller then
            // sends the user to sign in.
            if let Ok(access) = super::token::access_token().await {
                request.headers().set("Authorization", &format!("Bearer {}", access.token));
            }
            <BrowserClient as Client<E, IS, OS>>::send(request).await
        })
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<server_fn::Bytes, server_fn::Bytes>> + Send + 'static,
                impl futures::Sink<server_fn::Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}
