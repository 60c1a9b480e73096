import type { FastifyRequest } from 'fastify';
import type { RosterConfig } from '../../config/load-config.ts';
import type { Services } from '../../domain/create-services.ts';
import { publicOrigin } from '../public-origin.ts';
import { ADMIN_INPUTS } from './admin-inputs.ts';
import { defineRoute, type ApiRoute } from './api-route.ts';

export type DirectoryDeps = Pick<Services, 'directories' | 'tokens' | 'verifyPassword'> & { readonly config: RosterConfig };

const [createDirectory, directoryInvalid] = ADMIN_INPUTS.createDirectory;
const [updateDirectory] = ADMIN_INPUTS.updateDirectory;
const [addAttribute] = ADMIN_INPUTS.addAttribute;
const [verifyPassword] = ADMIN_INPUTS.verifyPassword;
const [createToken, tokenInvalid] = ADMIN_INPUTS.createToken;
const [rotateToken] = ADMIN_INPUTS.rotateToken;

/** Directories, their custom attributes and their SCIM tokens, as route data (see api-route.ts). */
export function directoryRoutes(deps: DirectoryDeps): ApiRoute[] {
  const scimBaseUrl = (request: FastifyRequest, id: string) => `${publicOrigin(deps.config, request)}/scim/v2/${id}`;
  return [
    defineRoute({
      method: 'GET', path: '/directories', tag: 'Directories', summary: 'Directories (one per IdP connection) with their SCIM base URLs', invalid: directoryInvalid, returns: '`directories`',
      handle: async ({ request }) => ({ directories: (await deps.directories.list()).map((d) => ({ ...d, scimBaseUrl: scimBaseUrl(request, d.id) })) }),
    }),
    defineRoute({
      method: 'POST', path: '/directories', tag: 'Directories', summary: 'Creates a directory and its first SCIM token (shown once)', invalid: directoryInvalid, status: 201, returns: 'the directory, its `scimBaseUrl` and `token`',
      body: createDirectory,
      handle: async ({ request, body, actor }) => {
        const { directory, token } = await deps.directories.create(body, actor);
        return { ...directory, scimBaseUrl: scimBaseUrl(request, directory.id), token: token.token };
      },
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id', tag: 'Directories', summary: 'One directory', invalid: directoryInvalid, returns: 'the directory and its `scimBaseUrl`',
      handle: async ({ request, params }) => {
        const d = await deps.directories.get(params.id!);
        return { ...d, scimBaseUrl: scimBaseUrl(request, d.id) };
      },
    }),
    defineRoute({
      method: 'PATCH', path: '/directories/:id', tag: 'Directories', summary: "Changes a directory's name, IdP, status, password mode or IP allow-list", invalid: directoryInvalid, returns: 'the directory',
      body: updateDirectory,
      handle: ({ params, body, actor }) => deps.directories.update(params.id!, body, actor),
    }),
    defineRoute({
      method: 'POST', path: '/directories/:id/pause', tag: 'Directories', summary: 'Pauses a directory: its SCIM endpoint answers with an error until resumed', invalid: directoryInvalid, returns: 'the directory',
      handle: ({ params, actor }) => deps.directories.update(params.id!, { status: 'paused' }, actor),
    }),
    defineRoute({
      method: 'POST', path: '/directories/:id/resume', tag: 'Directories', summary: 'Resumes a paused directory', invalid: directoryInvalid, returns: 'the directory',
      handle: ({ params, actor }) => deps.directories.update(params.id!, { status: 'active' }, actor),
    }),
    defineRoute({
      method: 'DELETE', path: '/directories/:id', tag: 'Directories', summary: 'Deletes a directory and everything its IdP wrote', invalid: directoryInvalid, status: 204, returns: 'nothing',
      handle: ({ params, actor }) => deps.directories.remove(params.id!, actor),
    }),
    defineRoute({
      method: 'GET', path: '/directories/:id/attributes', tag: 'Directories', summary: "The directory's custom extension attributes", invalid: directoryInvalid, returns: '`attributes`',
      handle: async ({ params }) => ({ attributes: (await deps.directories.get(params.id!)).customAttributes }),
    }),
    defineRoute({
      method: 'POST', path: '/directories/:id/attributes', tag: 'Directories', summary: 'Adds a custom extension attribute', invalid: directoryInvalid, status: 201, returns: 'the attribute',
      body: addAttribute,
      handle: ({ params, body, actor }) => deps.directories.addAttribute(params.id!, body, actor),
    }),
    defineRoute({
      method: 'DELETE', path: '/directories/:id/attributes/:name', tag: 'Directories', summary: 'Removes a custom extension attribute', invalid: directoryInvalid, status: 204, returns: 'nothing',
      handle: ({ params, actor }) => deps.directories.removeAttribute(params.id!, params.name!, actor),
    }),
    // For apps that authenticate users locally against the passwords their IdP syncs.
    defineRoute({
      method: 'POST', path: '/directories/:id/verify-password', tag: 'Directories', summary: "Checks a user's password against the one the IdP synced (password mode `store`)", invalid: 'request.invalid', returns: '`valid`',
      body: verifyPassword,
      handle: async ({ params, body }) => ({ valid: await deps.verifyPassword(params.id!, body) }),
    }),

    defineRoute({
      method: 'GET', path: '/directories/:id/tokens', tag: 'Tokens', summary: "The directory's SCIM tokens (never the tokens themselves)", invalid: tokenInvalid, returns: '`tokens`',
      handle: async ({ params }) => ({ tokens: await deps.tokens.list(params.id!) }),
    }),
    defineRoute({
      method: 'POST', path: '/directories/:id/tokens', tag: 'Tokens', summary: 'Creates a SCIM token, shown once', invalid: tokenInvalid, status: 201, returns: 'the token (`token`, shown once) and its id',
      body: createToken,
      handle: async ({ params, body, actor }) => {
        const issued = await deps.tokens.create(params.id!, { label: body.label ?? null, expiresAt: body.expiresAt ?? null }, actor);
        return { ...issued.view, token: issued.token };
      },
    }),
    defineRoute({
      method: 'POST', path: '/tokens/:id/rotate', tag: 'Tokens', summary: 'Replaces a token; the old one keeps working for `graceSeconds`', invalid: tokenInvalid, status: 201, returns: 'the new token (`token`, shown once) and its id',
      body: rotateToken,
      handle: async ({ params, body, actor }) => {
        const issued = await deps.tokens.rotate(params.id!, body.graceSeconds, actor);
        return { ...issued.view, token: issued.token };
      },
    }),
    defineRoute({
      method: 'DELETE', path: '/tokens/:id', tag: 'Tokens', summary: 'Revokes a token', invalid: tokenInvalid, returns: 'the revoked token',
      handle: ({ params, actor }) => deps.tokens.revoke(params.id!, actor),
    }),
  ];
}
