/**
 * Markdown from the user or an LLM, rendered to React elements (never innerHTML). GitHub-flavoured
 * (tables, task lists, strikethrough, autolinks: what people paste from elsewhere and what models
 * write). Raw HTML in the text is dropped, link URLs go through react-markdown's safe-protocol
 * filter, and images are shown as their alt text: remote images would be blocked by the CSP anyway
 * and could track reading. A wide table scrolls inside its own box, never the page.
 */
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

const components: Components = {
  img: ({ alt }) => <span className="md-image">[image{alt ? `: ${alt}` : ''}]</span>,
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
  table: ({ children }) => (
    <div className="md-table">
      <table>{children}</table>
    </div>
  ),
};

const remarkPlugins = [remarkGfm];

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      <ReactMarkdown skipHtml remarkPlugins={remarkPlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
