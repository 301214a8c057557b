/**
 * Page objects for the account pages: `/account` (profile, email, password, devices, delete),
 * `/forgot-password` and `/reset-password`. All of them are plain server-rendered forms.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** `/account`. */
export class AccountPage {
  readonly heading: Locator;
  readonly name: Locator;
  readonly saveName: Locator;
  readonly currentPassword: Locator;
  readonly newPassword: Locator;
  readonly signOutOthersOnChange: Locator;
  readonly changePassword: Locator;
  readonly devices: Locator;
  readonly signOutAllOthers: Locator;
  readonly deletePassword: Locator;
  readonly deleteButton: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Your account', level: 1 });
    this.name = page.getByLabel('Name', { exact: true });
    this.saveName = page.getByRole('button', { name: 'Save name' });
    this.currentPassword = page.getByLabel('Current password', { exact: true });
    this.newPassword = page.getByLabel('New password', { exact: true });
    this.signOutOthersOnChange = page.getByRole('checkbox', { name: 'Sign out my other devices' });
    this.changePassword = page.getByRole('button', { name: 'Change password' });
    this.devices = page.getByTestId('device');
    this.signOutAllOthers = page.getByRole('button', { name: 'Sign out all other devices' });
    this.deletePassword = page.getByLabel('Your password', { exact: true });
    this.deleteButton = page.getByRole('button', { name: 'Delete my account and tasks' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/account');
    await this.expectShown();
  }

  async expectShown(): Promise<void> {
    await expect(this.page).toHaveURL(/\/account(\?|#|$)/);
    await expect(this.heading).toBeVisible();
  }

  /** The confirmation a form post came back with. */
  notice(text: string): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }

  /** The listed device that is (or is not) this browser. */
  device({ current }: { current: boolean }): Locator {
    return this.page.locator(`[data-testid="device"][data-current="${current}"]`);
  }
}

/** `/forgot-password`. */
export class ForgotPasswordPage {
  readonly email: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel('Email', { exact: true });
    this.submit = page.getByRole('button', { name: 'Send reset link' });
  }

  async request(email: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
    await this.email.fill(email);
    await this.submit.click();
    await expect(this.page).toHaveURL(/\/forgot-password\?done=sent$/);
    await expect(this.page.getByRole('status').filter({ hasText: 'we\'ve sent it a link' })).toBeVisible();
  }
}

/** `/reset-password?token=…`. */
export class ResetPasswordPage {
  readonly newPassword: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.newPassword = page.getByLabel('New password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Set new password' });
  }

  async choose(password: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await this.newPassword.fill(password);
    await this.submit.click();
  }
}
