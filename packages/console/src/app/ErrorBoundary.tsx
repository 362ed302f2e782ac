/**
 * Keeps a rendering bug on one page from blanking the whole console: the
 * header stays usable and the error is shown so it can be reported.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Catches render errors below it; `resetKey` changing (e.g. the path) clears the error. */
export class ErrorBoundary extends Component<{ resetKey: string; children: ReactNode }, { error: Error | undefined }> {
  override state: { error: Error | undefined } = { error: undefined };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined });
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('console page failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <section className="card" role="alert">
        <h1>This page failed to render</h1>
        <p className="error">{this.state.error.message}</p>
        <p className="muted">Other pages still work; reloading may help. Please report this with the message above.</p>
      </section>
    );
  }
}
