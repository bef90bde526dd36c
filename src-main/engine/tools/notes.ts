import { NOTES, type Note } from '../../../src-shared/tools/modules';
import { requireRecord } from './common';
import type { ToolImpl } from './types';

const PREVIEW_CHARS = 200;

function newestFirst(a: Note, b: Note): number {
  return (b.updatedAt ?? b.createdAt ?? '').localeCompare(a.updatedAt ?? a.createdAt ?? '');
}

export const listNotes: ToolImpl<{ query?: string; limit?: number }> = {
  name: 'list_notes',
  run(ctx, { query, limit = 20 }) {
    const needle = query?.trim().toLowerCase();
    const notes = ctx.store
      .listData<Note>(NOTES.app, NOTES.table)
      .filter((n) => !needle || [n.title ?? '', n.content ?? '', ...(n.tags ?? [])].some((text) => String(text).toLowerCase().includes(needle)))
      .sort(newestFirst);
    return {
      result: notes.slice(0, limit).map((n) => ({
        id: n.id,
        title: n.title ?? null,
        tags: n.tags ?? [],
        preview: String(n.content ?? '').slice(0, PREVIEW_CHARS),
        updatedAt: n.updatedAt ?? n.createdAt ?? null,
      })),
      effects: [],
    };
  },
};

export const getNote: ToolImpl<{ noteId: string }> = {
  name: 'get_note',
  run(ctx, { noteId }) {
    const n = requireRecord<Note>(ctx, NOTES, noteId, 'note');
    return { result: { id: n.id, title: n.title ?? null, tags: n.tags ?? [], content: n.content ?? '', updatedAt: n.updatedAt ?? null }, effects: [] };
  },
};

export const createNote: ToolImpl<{ title?: string; content: string }> = {
  name: 'create_note',
  run(ctx, { title, content }) {
    const id = ctx.newId('note');
    const at = ctx.now.toISOString();
    const fields: Note = { title: title ?? null, content, tags: [], createdAt: at, updatedAt: at };
    return { result: { noteId: id }, effects: [{ app: NOTES.app, table: NOTES.table, id, op: 'insert', fields: { ...fields } }] };
  },
};

export const appendToNote: ToolImpl<{ noteId: string; content: string }> = {
  name: 'append_to_note',
  run(ctx, { noteId, content }) {
    const note = requireRecord<Note>(ctx, NOTES, noteId, 'note');
    const old = String(note.content ?? '');
    const joined = old ? `${old}${old.endsWith('\n') ? '\n' : '\n\n'}${content}` : content;
    return {
      result: { noteId, length: joined.length },
      effects: [{ app: NOTES.app, table: NOTES.table, id: noteId, op: 'update', fields: { content: joined, updatedAt: ctx.now.toISOString() } }],
    };
  },
};

export const addTagToNote: ToolImpl<{ noteId: string; tag: string }> = {
  name: 'add_tag_to_note',
  run(ctx, { noteId, tag }) {
    const note = requireRecord<Note>(ctx, NOTES, noteId, 'note');
    const tags = Array.isArray(note.tags) ? note.tags.map(String) : [];
    const clean = tag.replace(/^#/, '');
    if (tags.some((t) => t.toLowerCase() === clean.toLowerCase())) return { result: { noteId, tags, alreadyTagged: true }, effects: [] };
    const next = [...tags, clean];
    return {
      result: { noteId, tags: next },
      effects: [{ app: NOTES.app, table: NOTES.table, id: noteId, op: 'update', fields: { tags: next, updatedAt: ctx.now.toISOString() } }],
    };
  },
};

export const NOTES_TOOLS = [listNotes, getNote, createNote, appendToNote, addTagToNote] as ToolImpl<never>[];
