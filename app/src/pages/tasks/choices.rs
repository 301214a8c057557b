//! The board's `<select>` choices. Their values are the model's wire words (`Priority::as_str` and the
//! like), so a choice the UI offers is always one the server accepts; only the labels are written here.
use leptos::{ev::Event, prelude::*};
use ticklist::model::{Order, Priority, SortKey};

/// A word and the label a person reads for it.
type Choice = (&'static str, &'static str);

/// The sort keys, in the order the toolbar offers them.
pub const SORT_CHOICES: [Choice; 5] = [
    (SortKey::CreatedAt.as_str(), "Created"),
    (SortKey::UpdatedAt.as_str(), "Last changed"),
    (SortKey::DueDate.as_str(), "Due date"),
    (SortKey::Priority.as_str(), "Priority"),
    (SortKey::Title.as_str(), "Title"),
];
// A sort key added to the model fails here until it is offered above.
const _: () = assert!(SORT_CHOICES.len() == SortKey::ALL.len());

/// The directions, the default first.
pub const ORDER_CHOICES: [Choice; 2] = [(Order::Desc.as_str(), "Descending"), (Order::Asc.as_str(), "Ascending")];
const _: () = assert!(ORDER_CHOICES.len() == Order::ALL.len());

fn priority_label(priority: Priority) -> &'static str {
    match priority {
        Priority::Low => "Low",
        Priority::Medium => "Medium",
        Priority::High => "High",
    }
}

/// The `<option>`s of a list of choices. One plain function for every list (not generic), which keeps
/// the WASM bundle from carrying a copy per list.
pub fn options(choices: &[Choice]) -> impl IntoView + use<> {
    choices.iter().map(|&(word, label)| view! { <option value=word>{label}</option> }).collect_view()
}

/// A `<select>` of the priorities, lowest first (or highest first, as the filter lists them). `none`,
/// when given, labels an empty first choice: no priority (the default, or any).
#[component]
pub fn PrioritySelect(
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] name: Option<&'static str>,
    testid: &'static str,
    #[prop(optional)] none: Option<&'static str>,
    #[prop(optional)] highest_first: bool,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_change: Callback<Event>,
) -> impl IntoView {
    let mut priorities = Priority::ALL;
    if highest_first {
        priorities.reverse();
    }
    let choices: Vec<Choice> = none
        .map(|label| ("", label))
        .into_iter()
        .chain(priorities.into_iter().map(|priority| (priority.as_str(), priority_label(priority))))
        .collect();
    view! {
        <select id=id name=name data-testid=testid prop:value=value on:change=move |event| on_change.run(event)>
            {options(&choices)}
        </select>
    }
}
