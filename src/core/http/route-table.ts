import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, SSE_METADATA } from '@nestjs/common/constants.js';
import type { INestApplicationContext } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, ROUTE_ACCESS, type RouteAccess } from '../auth/auth-context.js';

export interface RouteEntry {
  method: string;
  /** Express-style path, e.g. /v1/users/:id/tokens. */
  path: string;
  isPublic: boolean;
  access: RouteAccess | undefined;
  /** A server-sent-events stream (never ends by itself). */
  sse: boolean;
  handler: string;
}

function joinPath(...parts: (string | string[] | undefined)[]): string {
  const segments = parts.flatMap((part) => (Array.isArray(part) ? part[0] : part) ?? '').join('/');
  return `/${segments.split('/').filter(Boolean).join('/')}`;
}

/** Every route the application serves, with what it declares about access. */
export function routeTable(app: INestApplicationContext): RouteEntry[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteEntry[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const prefix = reflector.get<string | string[] | undefined>(PATH_METADATA, controller);
    const prototype = controller.prototype as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as () => unknown;
      const path = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      const method = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
      if (path === undefined || method === undefined) continue;
      routes.push({
        method: RequestMethod[method],
        path: joinPath(prefix, path),
        isPublic: Boolean(reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [handler, controller])),
        access: reflector.get<RouteAccess | undefined>(ROUTE_ACCESS, handler),
        sse: Boolean(reflector.get<boolean | undefined>(SSE_METADATA, handler)),
        handler: `${controller.name}.${name}`,
      });
    }
  }
  return routes;
}
