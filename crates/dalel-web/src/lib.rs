//! dalel's web app: server-rendered HTML over the [`Store`] trait.
//!
//! [`app`] builds the router from an [`AppState`], so tests drive it with `oneshot` and no
//! socket; [`serve`] runs it. Pages: `/` (the people of the archive), `/people/{id}` (one
//! person with their testimonies, episodes, ID-number checks and history), `/healthz`.
//!
//! This first server has no accounts and no visibility policy yet: it shows everything to
//! whoever can reach it, so it listens on 127.0.0.1 by default and every page says so.

mod error;
mod pages;

use std::future::Future;
use std::sync::Arc;

use dalel_store::Store;

pub use axum::Router;
pub use error::WebError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
}

impl AppState {
    pub fn new(store: impl Store + 'static) -> AppState {
        AppState { store: Arc::new(store) }
    }
}

/// The whole web app.
pub fn app(state: AppState) -> Router {
    pages::router().with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
