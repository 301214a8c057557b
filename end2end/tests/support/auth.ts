/**
 * Page objects for the sign-up and sign-in pages and the account part of the header.
 */
import { expect, type Locator, type Page } from '@playwright/test';

import { hydrated } from './app';
import type { User } from './users';

/** `/sign-up`: Name, Email, Password, "Create account". */
export class SignUpPage {
  readonly name: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.name = page.getByLabel('Name');
    this.email = page.getByLabel('Email');
    this.password = page.getByLabel('Password');
    this.submit = page.getByRole('button', { name: 'Create account' });
  }

  /** Opens the page; waits for hydration unless JavaScript is off (`hydrate: false`). */
  async goto({ hydrate = true } = {}): Promise<void> {
    await this.page.goto('/sign-up');
    await expect(this.page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
    if (hydrate) await hydrated(this.page);
  }

  async signUp(user: User): Promise<void> {
    await this.name.fill(user.name);
    await this.email.fill(user.email);
    await this.password.fill(user.password);
    await this.submit.click();
  }
}

/** `/sign-in`: Email, Password, "Keep me signed in", "Sign in". */
export class SignInPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly remember: Locator;
  readonly submit: Locator;
  /** The "Your session has ended" message (`?reason=expired`). */
  readonly expiredNotice: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByLabel('Email');
    this.password = page.getByLabel('Password');
    this.remember = page.getByRole('checkbox', { name: 'Keep me signed in' });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    this.expiredNotice = page.getByText('Your session has ended. Sign in again to continue.');
  }

  async goto({ hydrate = true, query = '' } = {}): Promise<void> {
    await this.page.goto(`/sign-in${query}`);
    await this.expectShown({ hydrate });
  }

  async expectShown({ hydrate = true } = {}): Promise<void> {
    await expect(this.page).toHaveURL(/\/sign-in(\?|$)/);
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    if (hydrate) await hydrated(this.page);
  }

  async signIn(user: Pick<User, 'email' | 'password'>): Promise<void> {
    await this.email.fill(user.email);
    await this.password.fill(user.password);
    await this.submit.click();
  }
}

/** The account part of the site header. */
export class AccountMenu {
  readonly userName: Locator;
  readonly signOutButton: Locator;
  readonly signInLink: Locator;
  readonly signUpLink: Locator;

  constructor(readonly page: Page) {
    this.userName = page.getByTestId('user-name');
    this.signOutButton = page.getByTestId('sign-out');
    this.signInLink = page.getByTestId('nav-sign-in');
    this.signUpLink = page.getByTestId('nav-sign-up');
  }

  async expectSignedInAs(user: User): Promise<void> {
    await expect(this.userName).toHaveText(user.name);
    await expect(this.signOutButton).toBeVisible();
  }

  async expectSignedOut(): Promise<void> {
    await expect(this.signInLink).toBeVisible();
    await expect(this.signUpLink).toBeVisible();
    await expect(this.userName).toHaveCount(0);
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
    await expect(this.page).toHaveURL(/\/sign-in$/);
    await this.expectSignedOut();
  }
}
