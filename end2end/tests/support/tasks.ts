/**
 * Page object for the task board (`/`): the new-task form, the list and its items, the filters, and
 * the notices. Mutations wait for the server's answer, so a test can reload right after them.
 */
import { expect, type Locator, type Page, type Response } from '@playwright/test';

import { hydrated } from './app';

export type Priority = 'low' | 'medium' | 'high';

export interface NewTaskFields {
  title: string;
  description?: string;
  priority?: Priority;
  /** `YYYY-MM-DD` */
  due?: string;
  /** As typed: comma-separated. */
  tags?: string;
}

export interface EditFields {
  title?: string;
  description?: string;
  priority?: Priority;
  due?: string;
  tags?: string;
}

/** An exact-text regular expression for `text`. */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** Whether `response` answers a REST call on the caller's tasks (`/api/{user}/tasks...`). */
function isTasksCall(response: Response, method: string, path: RegExp): boolean {
  const url = new URL(response.url());
  return response.request().method() === method && /^\/api\/[^/]+\/tasks/.test(url.pathname) && path.test(url.pathname);
}

/** One task in the list. */
export class TaskItem {
  readonly title: Locator;
  readonly toggle: Locator;
  readonly editButton: Locator;
  readonly deleteButton: Locator;
  readonly priority: Locator;
  readonly due: Locator;
  readonly tags: Locator;

  constructor(readonly page: Page, readonly root: Locator) {
    this.title = root.getByTestId('task-title');
    this.toggle = root.getByTestId('toggle');
    this.editButton = root.getByTestId('edit');
    this.deleteButton = root.getByTestId('delete');
    this.priority = root.getByTestId('priority');
    this.due = root.getByTestId('due');
    this.tags = root.getByRole('link', { name: /^#/ });
  }

  tag(name: string): Locator {
    return this.root.getByRole('link', { name: `#${name}`, exact: true });
  }

  /** Waits until the server has confirmed the task (a new one has its buttons enabled then). */
  async expectSaved(): Promise<void> {
    await expect(this.root).toBeVisible();
    await expect(this.editButton).toBeEnabled();
  }

  /** Clicks the checkbox and waits for `PATCH .../complete` to succeed. */
  async toggleDone(): Promise<void> {
    const answered = this.page.waitForResponse((r) => isTasksCall(r, 'PATCH', /\/complete$/));
    await this.toggle.click();
    expect((await answered).status()).toBe(200);
  }

  /** The task's id (from its checkbox's `id="toggle-{id}"`). */
  async id(): Promise<number> {
    const attribute = await this.toggle.getAttribute('id');
    const match = /^toggle-(-?\d+)$/.exec(attribute ?? '');
    if (!match) throw new Error(`no task id in ${attribute}`);
    return Number(match[1]);
  }

  /** Opens the inline editor by double-clicking the title. */
  async openEditorByDoubleClick(): Promise<TaskEditor> {
    const editor = new TaskEditor(this.page, await this.id());
    await this.title.dblclick();
    await expect(editor.title).toBeVisible();
    return editor;
  }

  /** Opens the inline editor with the Edit button. */
  async openEditorWithButton(): Promise<TaskEditor> {
    const editor = new TaskEditor(this.page, await this.id());
    await this.editButton.click();
    await expect(editor.title).toBeVisible();
    return editor;
  }
}

/** The inline editor of one task (the title, checkbox and buttons are hidden meanwhile). */
export class TaskEditor {
  readonly root: Locator;
  readonly title: Locator;
  readonly description: Locator;
  readonly priority: Locator;
  readonly due: Locator;
  readonly tags: Locator;
  readonly save: Locator;
  readonly cancel: Locator;

  constructor(readonly page: Page, readonly taskId: number) {
    this.title = page.locator(`[id="edit-title-${taskId}"]`);
    this.root = page.getByTestId('task').filter({ has: this.title });
    this.description = this.root.getByTestId('edit-description');
    this.priority = this.root.getByTestId('edit-priority');
    this.due = this.root.getByTestId('edit-due');
    this.tags = this.root.getByTestId('edit-tags');
    this.save = this.root.getByTestId('save-edit');
    this.cancel = this.root.getByRole('button', { name: 'Cancel' });
  }

  async fill(fields: EditFields): Promise<void> {
    if (fields.title !== undefined) await this.title.fill(fields.title);
    if (fields.description !== undefined) await this.description.fill(fields.description);
    if (fields.priority !== undefined) await this.priority.selectOption(fields.priority);
    if (fields.due !== undefined) await this.due.fill(fields.due);
    if (fields.tags !== undefined) await this.tags.fill(fields.tags);
  }

  /** Presses Enter in the title field and waits for `PATCH /api/{user}/tasks/{id}` to succeed. */
  async saveWithEnter(): Promise<void> {
    const answered = this.page.waitForResponse((r) => isTasksCall(r, 'PATCH', new RegExp(`/tasks/${this.taskId}$`)));
    await this.title.press('Enter');
    expect((await answered).status()).toBe(200);
    await this.expectClosed();
  }

  /** Presses Escape: the editor closes and nothing is saved. */
  async cancelWithEscape(): Promise<void> {
    await this.title.press('Escape');
    await this.expectClosed();
  }

  async expectClosed(): Promise<void> {
    await expect(this.title).toHaveCount(0);
  }
}

/** `/`: the signed-in user's tasks. */
export class TaskBoard {
  readonly heading: Locator;
  readonly newTitle: Locator;
  readonly addButton: Locator;
  readonly details: Locator;
  readonly detailsSummary: Locator;
  readonly newDescription: Locator;
  readonly newPriority: Locator;
  readonly newDue: Locator;
  readonly newTags: Locator;
  readonly formError: Locator;
  readonly items: Locator;
  readonly titles: Locator;
  readonly itemsLeft: Locator;
  readonly toggleAll: Locator;
  readonly clearCompleted: Locator;
  readonly empty: Locator;
  readonly filterAll: Locator;
  readonly filterActive: Locator;
  readonly filterCompleted: Locator;
  readonly search: Locator;
  readonly priorityFilter: Locator;
  readonly sort: Locator;
  readonly order: Locator;
  readonly notices: Locator;
  readonly alerts: Locator;
  readonly undo: Locator;
  readonly loadMore: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Your tasks' });
    this.newTitle = page.getByTestId('new-title');
    this.addButton = page.getByTestId('add-task');
    this.details = page.locator('details', { has: page.getByText('Details: description, priority, due date, tags') });
    this.detailsSummary = page.getByText('Details: description, priority, due date, tags');
    this.newDescription = page.getByTestId('new-description');
    this.newPriority = page.getByTestId('new-priority');
    this.newDue = page.getByTestId('new-due');
    this.newTags = page.getByTestId('new-tags');
    this.formError = page.locator('#new-task-error');
    this.items = page.getByTestId('task');
    this.titles = page.getByTestId('task-title');
    this.itemsLeft = page.getByTestId('items-left');
    this.toggleAll = page.getByTestId('toggle-all');
    this.clearCompleted = page.getByTestId('clear-completed');
    this.empty = page.getByTestId('empty');
    this.filterAll = page.getByTestId('filter-all');
    this.filterActive = page.getByTestId('filter-pending');
    this.filterCompleted = page.getByTestId('filter-completed');
    this.search = page.getByTestId('search');
    this.priorityFilter = page.getByTestId('priority-filter');
    this.sort = page.getByTestId('sort');
    this.order = page.getByTestId('order');
    this.notices = page.getByTestId('notices');
    this.alerts = this.notices.getByRole('alert');
    this.undo = page.getByTestId('undo');
    this.loadMore = page.getByTestId('load-more');
  }

  /** Opens `/` (plus `query`, e.g. `?status=pending`) and waits for the list and hydration. */
  async goto(query = '', { hydrate = true } = {}): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.expectShown({ hydrate });
  }

  async expectShown({ hydrate = true } = {}): Promise<void> {
    await expect(this.heading).toBeVisible();
    await expect(this.itemsLeft).toBeVisible();
    if (hydrate) await hydrated(this.page);
  }

  /** The item whose title is exactly `title`. */
  task(title: string): TaskItem {
    const root = this.items.filter({ has: this.page.getByTestId('task-title').filter({ hasText: exactly(title) }) });
    return new TaskItem(this.page, root);
  }

  async expectTitles(titles: string[]): Promise<void> {
    await expect(this.titles).toHaveText(titles);
  }

  async openDetails(): Promise<void> {
    if (!(await this.details.evaluate((el) => (el as HTMLDetailsElement).open))) {
      await this.detailsSummary.click();
    }
    await expect(this.newDescription).toBeVisible();
  }

  /** Fills the new-task form (without submitting it). */
  async fillNewTask(fields: NewTaskFields): Promise<void> {
    const { title, description, priority, due, tags } = fields;
    if (description !== undefined || priority !== undefined || due !== undefined || tags !== undefined) {
      await this.openDetails();
      if (description !== undefined) await this.newDescription.fill(description);
      if (priority !== undefined) await this.newPriority.selectOption(priority);
      if (due !== undefined) await this.newDue.fill(due);
      if (tags !== undefined) await this.newTags.fill(tags);
    }
    await this.newTitle.fill(title);
  }

  /** Adds a task with the form (clicking "Add") and waits until the server has it. */
  async addTask(fields: NewTaskFields): Promise<TaskItem> {
    await this.fillNewTask(fields);
    const answered = this.page.waitForResponse((r) => isTasksCall(r, 'POST', /\/tasks$/));
    await this.addButton.click();
    expect((await answered).status()).toBe(201);
    const item = this.task(fields.title.trim());
    await item.expectSaved();
    await expect(this.newTitle).toHaveValue('');
    return item;
  }

  /** Deletes a task with its Delete button; the task is hidden and an undo is offered. */
  async deleteTask(title: string): Promise<void> {
    await this.task(title).deleteButton.click();
    await expect(this.task(title).root).toHaveCount(0);
    await expect(this.notices.getByText(`Deleted “${title}”.`)).toBeVisible();
  }

  /** Waits until the server has really deleted a task (after the 5-second undo window). */
  async waitForDeletion(): Promise<void> {
    const answered = await this.page.waitForResponse((r) => isTasksCall(r, 'DELETE', /\/tasks\/\d+$/), {
      timeout: 15_000,
    });
    expect(answered.status()).toBe(204);
  }

  /** Searches (type, then Enter) and waits for the URL to carry `q=`. */
  async searchFor(text: string): Promise<void> {
    await this.search.fill(text);
    await this.search.press('Enter');
    if (text.trim()) {
      await expect(this.page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(text.trim()).replace(/%20/g, '(\\+|%20)')}(&|$)`));
    } else {
      await expect(this.page).not.toHaveURL(/[?&]q=/);
    }
  }

  /** `?a=b&c=d` of the current URL as a map (repeated keys keep the last value). */
  query(): URLSearchParams {
    return new URL(this.page.url()).searchParams;
  }
}
