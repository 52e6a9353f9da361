//! Routing events to async handlers by topic.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::event::Event;

type BoxFuture<R> = Pin<Box<dyn Future<Output = R> + Send>>;
type Handler<E, C, R> = Box<dyn Fn(E, C) -> BoxFuture<R> + Send + Sync>;

/// Routes each event to the async handler registered for its topic, or to
/// the fallback. Handlers get the event and a context value of yours (an
/// application state, a database pool) and return `R`.
///
/// ```
/// use hookguard::Dispatcher;
/// use hookguard::nomos::{NomosEvent, NomosTopic};
///
/// #[derive(Clone)]
/// struct App;
///
/// let dispatcher = Dispatcher::<NomosEvent, App, &str>::builder()
///     .on(NomosTopic::SubscriptionCreated, |_event, _app| async { "welcome" })
///     .on(NomosTopic::SubscriptionEnded, |_event, _app| async { "goodbye" })
///     .fallback(|event, _app| async move {
///         let _ignored = event.topic();
///         "ignored"
///     })
///     .build()?;
///
/// let event = NomosEvent::from_slice(br#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"sub_1"}}"#)?;
/// # let answer = futures_executor_block_on(dispatcher.dispatch(event, App));
/// # assert_eq!(answer, "goodbye");
/// # fn futures_executor_block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     let mut future = std::pin::pin!(future);
/// #     let waker = std::task::Waker::noop();
/// #     loop {
/// #         if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut std::task::Context::from_waker(&waker)) { return out; }
/// #     }
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Dispatcher<E, C, R> {
    handlers: HashMap<String, Handler<E, C, R>>,
    fallback: Handler<E, C, R>,
}

/// Collects handlers; [`build`](DispatcherBuilder::build) checks them.
pub struct DispatcherBuilder<E, C, R> {
    handlers: Vec<(String, Handler<E, C, R>)>,
    fallbacks: Vec<Handler<E, C, R>>,
}

/// Why a dispatcher could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DispatchError {
    /// Two handlers were registered for the same topic.
    DuplicateTopic(String),
    /// No fallback was registered, so some events would have no handler.
    MissingFallback,
    /// More than one fallback was registered.
    DuplicateFallback,
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateTopic(topic) => write!(f, "topic `{topic}` has two handlers"),
            Self::MissingFallback => f.write_str("no fallback handler for other topics"),
            Self::DuplicateFallback => f.write_str("more than one fallback handler"),
        }
    }
}

impl std::error::Error for DispatchError {}

fn boxed<E, C, R, F, Fut>(handler: F) -> Handler<E, C, R>
where
    F: Fn(E, C) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
{
    Box::new(move |event, context| Box::pin(handler(event, context)))
}

impl<E: Event, C, R> Dispatcher<E, C, R> {
    /// Starts a dispatcher.
    #[must_use]
    pub fn builder() -> DispatcherBuilder<E, C, R> {
        DispatcherBuilder {
            handlers: Vec::new(),
            fallbacks: Vec::new(),
        }
    }

    /// Runs the handler for the event's topic (the fallback when none is
    /// registered or the event has no topic) and returns what it returns.
    pub async fn dispatch(&self, event: E, context: C) -> R {
        let handler = event
            .topic_name()
            .and_then(|topic| self.handlers.get(topic))
            .unwrap_or(&self.fallback);
        handler(event, context).await
    }
}

impl<E: Event, C, R> DispatcherBuilder<E, C, R> {
    /// Registers `handler` for `topic` (a topic type such as
    /// [`NomosTopic`](crate::nomos::NomosTopic), or its wire name).
    #[must_use]
    pub fn on<F, Fut>(mut self, topic: impl AsRef<str>, handler: F) -> Self
    where
        F: Fn(E, C) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
    {
        self.handlers
            .push((topic.as_ref().to_owned(), boxed(handler)));
        self
    }

    /// Registers the handler for every topic without one of its own.
    #[must_use]
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(E, C) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
    {
        self.fallbacks.push(boxed(handler));
        self
    }

    /// Checks the registrations and builds the dispatcher.
    ///
    /// # Errors
    ///
    /// A topic registered twice, or not exactly one fallback.
    pub fn build(self) -> Result<Dispatcher<E, C, R>, DispatchError> {
        let mut handlers = HashMap::with_capacity(self.handlers.len());
        for (topic, handler) in self.handlers {
            if handlers.contains_key(&topic) {
                return Err(DispatchError::DuplicateTopic(topic));
            }
            handlers.insert(topic, handler);
        }
        let mut fallbacks = self.fallbacks.into_iter();
        let fallback = fallbacks.next().ok_or(DispatchError::MissingFallback)?;
        if fallbacks.next().is_some() {
            return Err(DispatchError::DuplicateFallback);
        }
        Ok(Dispatcher { handlers, fallback })
    }
}

impl<E, C, R> fmt::Debug for Dispatcher<E, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut topics: Vec<_> = self.handlers.keys().collect();
        topics.sort();
        f.debug_struct("Dispatcher")
            .field("topics", &topics)
            .finish_non_exhaustive()
    }
}

impl<E, C, R> fmt::Debug for DispatcherBuilder<E, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let topics: Vec<_> = self.handlers.iter().map(|(topic, _)| topic).collect();
        f.debug_struct("DispatcherBuilder")
            .field("topics", &topics)
            .finish_non_exhaustive()
    }
}
