/**
 * Test helper: a small stand-in for the `electron` module, enough for the desktop shell
 * (src-main/desktop) to run its wiring in plain Node (no Electron binary can be downloaded on these
 * machines). It records what the shell asks of Electron — windows, menus, tray, notifications, IPC
 * handlers, session hooks, dialogs — and lets a test emit the events Electron would (ready-to-show,
 * close, clicks, before-quit). It models behaviour only as far as the shell relies on it; it is not
 * an Electron emulator. Make one per test: `createFakeElectron(…).electron` goes into createShell.
 */
import { EventEmitter } from 'node:events';
import type { ShellElectron } from '../desktop/context';

type Listener = (...args: unknown[]) => unknown;

class Emitter {
  protected readonly emitter = new EventEmitter();
  on(event: string, listener: Listener): this {
    this.emitter.on(event, listener);
    return this;
  }
  once(event: string, listener: Listener): this {
    this.emitter.once(event, listener);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    return this.emitter.emit(event, ...args);
  }
}

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent(extra: Record<string, unknown> = {}): FakeEvent & Record<string, unknown> {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
    ...extra,
  };
}

export interface MenuTemplateItem {
  label?: string;
  role?: string;
  type?: string;
  enabled?: boolean;
  id?: string;
  click?: () => void;
  submenu?: MenuTemplateItem[];
}

export function createFakeElectron(options: { userData: string }) {
  const calls = {
    quit: 0,
    exit: [] as number[],
    openExternal: [] as string[],
    openPath: [] as string[],
    errorBoxes: [] as string[],
    messageBoxes: [] as { title?: string; message: string; detail?: string; buttons?: string[] }[],
    loginItemSettings: [] as unknown[],
    applicationMenu: null as MenuTemplateItem[] | null,
  };

  class FakeWebContents extends Emitter {
    url = '';
    sent: { channel: string; message: unknown }[] = [];
    loads: string[] = [];
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    getURL(): string {
      return this.url;
    }
    async loadURL(url: string): Promise<void> {
      this.url = url;
      this.loads.push(url);
    }
    send(channel: string, message: unknown): void {
      this.sent.push({ channel, message });
    }
    isDestroyed(): boolean {
      return false;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.windowOpenHandler = handler;
    }
  }

  const windows: FakeBrowserWindow[] = [];

  class FakeBrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    visible = false;
    focused = false;
    destroyed = false;
    maximized = false;
    bounds: { x: number; y: number; width: number; height: number };
    constructor(readonly options: Record<string, unknown>) {
      super();
      this.bounds = { x: Number(options.x ?? 100), y: Number(options.y ?? 80), width: Number(options.width), height: Number(options.height) };
      windows.push(this);
      app.emit('web-contents-created', fakeEvent(), this.webContents);
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((w) => !w.destroyed);
    }
    static fromWebContents(contents: unknown): FakeBrowserWindow | null {
      return windows.find((w) => w.webContents === contents) ?? null;
    }
    async loadFile(path: string, opts: { hash?: string } = {}): Promise<void> {
      await this.webContents.loadURL(`file://${path}${opts.hash ? `#${opts.hash}` : ''}`);
    }
    async loadURL(url: string): Promise<void> {
      await this.webContents.loadURL(url);
    }
    show(): void {
      this.visible = true;
      this.focused = true;
    }
    hide(): void {
      this.visible = false;
      this.focused = false;
    }
    focus(): void {
      this.focused = true;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isFocused(): boolean {
      return this.focused;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    maximize(): void {
      this.maximized = true;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isFullScreen(): boolean {
      return false;
    }
    getNormalBounds() {
      return { ...this.bounds };
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** What the user's close button does: 'close' unless a handler prevents it. */
    userClose(): boolean {
      const event = fakeEvent();
      this.emit('close', event);
      if (event.defaultPrevented) return false;
      this.destroyed = true;
      this.emit('closed');
      return true;
    }
  }

  class FakeApp extends Emitter {
    isPackaged = false;
    /** false: another instance holds the lock */
    singleInstanceLock = true;
    paths = new Map<string, string>([['userData', options.userData]]);
    getPath(name: string): string {
      return this.paths.get(name) ?? options.userData;
    }
    setPath(name: string, value: string): void {
      this.paths.set(name, value);
    }
    requestSingleInstanceLock(): boolean {
      return this.singleInstanceLock;
    }
    whenReady(): Promise<void> {
      return Promise.resolve();
    }
    getVersion(): string {
      return '0.0.0-test';
    }
    getAppPath(): string {
      return process.cwd();
    }
    getLoginItemSettings() {
      return { openAtLogin: false, wasOpenedAtLogin: false };
    }
    setLoginItemSettings(settings: unknown): void {
      calls.loginItemSettings.push(settings);
    }
    setAboutPanelOptions(): void {}
    showAboutPanel(): void {}
    /** like Electron: before-quit may be prevented; otherwise the windows close and the app quits */
    quit(): void {
      calls.quit++;
      const event = fakeEvent();
      this.emit('before-quit', event);
      if (event.defaultPrevented) return;
      for (const w of FakeBrowserWindow.getAllWindows()) w.userClose();
    }
    exit(code: number): void {
      calls.exit.push(code);
    }
  }
  const app = new FakeApp();

  class FakeMenu {
    constructor(readonly template: MenuTemplateItem[]) {}
    static buildFromTemplate(template: MenuTemplateItem[]): FakeMenu {
      return new FakeMenu(template);
    }
    static setApplicationMenu(menu: FakeMenu | null): void {
      calls.applicationMenu = menu ? menu.template : null;
    }
  }

  const trays: FakeTray[] = [];
  class FakeTray extends Emitter {
    menu: MenuTemplateItem[] = [];
    toolTip = '';
    constructor() {
      super();
      trays.push(this);
    }
    setContextMenu(menu: FakeMenu): void {
      this.menu = menu.template;
    }
    setToolTip(text: string): void {
      this.toolTip = text;
    }
    setImage(): void {}
    isDestroyed(): boolean {
      return false;
    }
  }

  const notifications: FakeNotification[] = [];
  class FakeNotification extends Emitter {
    shown = false;
    constructor(readonly options: { title: string; body: string }) {
      super();
    }
    static isSupported(): boolean {
      return true;
    }
    show(): void {
      this.shown = true;
      notifications.push(this);
    }
  }

  const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) {
      if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcHandlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      ipcHandlers.delete(channel);
    },
  };

  const sessionHooks = {
    permissionRequest: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void),
    permissionCheck: null as null | ((contents: unknown, permission: string, origin: string, details: { requestingUrl?: string }) => boolean),
    headersReceived: null as null | ((details: unknown, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void),
  };
  const session = {
    defaultSession: {
      setPermissionRequestHandler(handler: typeof sessionHooks.permissionRequest) {
        sessionHooks.permissionRequest = handler;
      },
      setPermissionCheckHandler(handler: typeof sessionHooks.permissionCheck) {
        sessionHooks.permissionCheck = handler;
      },
      webRequest: {
        onHeadersReceived(handler: typeof sessionHooks.headersReceived) {
          sessionHooks.headersReceived = handler;
        },
      },
    },
  };

  const workArea = { x: 0, y: 0, width: 1920, height: 1050 };
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Menu: FakeMenu,
    Tray: FakeTray,
    Notification: FakeNotification,
    ipcMain,
    session,
    screen: { getPrimaryDisplay: () => ({ workArea }), getAllDisplays: () => [{ workArea }] },
    nativeImage: { createFromBitmap: (buffer: Buffer, size: unknown) => ({ buffer, size }) },
    dialog: {
      showErrorBox: (title: string, text: string) => calls.errorBoxes.push(`${title}: ${text}`),
      /** answers the cancel button ("Continue") */
      showMessageBox: async (options: { title?: string; message: string; detail?: string; buttons?: string[]; cancelId?: number }) => {
        calls.messageBoxes.push(options);
        return { response: options.cancelId ?? 0 };
      },
    },
    shell: {
      openExternal: async (url: string) => void calls.openExternal.push(url),
      openPath: async (path: string) => {
        calls.openPath.push(path);
        return '';
      },
    },
    // no keyring: the secret store keeps the key in memory (backend "memory")
    safeStorage: {
      isAsyncEncryptionAvailable: async () => false,
      encryptStringAsync: async () => {
        throw new Error('not available');
      },
      decryptStringAsync: async () => {
        throw new Error('not available');
      },
    },
  };

  // the one cast: the fake has the shape the shell uses, not Electron's full types
  const electron = module as unknown as ShellElectron;
  return { module, electron, app, windows, trays, notifications, ipcHandlers, sessionHooks, calls };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
