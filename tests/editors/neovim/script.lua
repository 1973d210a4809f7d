-- Drives headless Neovim 0.11 like a user: open the models, wait for crudsmith's hint,
-- list the code actions, resolve and apply "Generate endpoints for <model>", write all.
-- Arguments: <config.lua (from docs/editors.md)> <models.py> <result.json> <model>
local config_path, models_path, result_path, model = arg[1], arg[2], arg[3], arg[4]
local result = { steps = {} }

local function finish(ok, message)
  result.ok = ok
  result.message = message
  local file = assert(io.open(result_path, 'w'))
  file:write(vim.json.encode(result))
  file:close()
  vim.cmd('qall!')
end

local function step(name)
  table.insert(result.steps, name)
end

local function run()
  dofile(config_path)
  vim.cmd('filetype on')
  vim.cmd.edit(vim.fn.fnameescape(models_path))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= 'python' then
    vim.bo[buf].filetype = 'python'
  end

  local client
  if not vim.wait(30000, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'crudsmith' })[1]
    return client ~= nil and client.initialized
  end, 20) then
    return finish(false, 'crudsmith did not attach')
  end
  result.offset_encoding = client.offset_encoding
  step('attached')

  local hint
  if not vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = d.user_data and d.user_data.lsp
      if d.code == 'CSM501' and lsp and lsp.data and lsp.data.model == model then
        hint = d
        return true
      end
    end
    return false
  end, 20) then
    return finish(false, 'no CSM501 hint for ' .. model)
  end
  result.hint = { message = hint.message, severity = hint.severity, lnum = hint.lnum, col = hint.col }
  step('hint')

  local lsp_diagnostic = hint.user_data.lsp
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic }, triggerKind = 1 },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 30000) or {}
  local wanted = 'Generate endpoints for ' .. model
  local action
  result.titles = {}
  for _, response in pairs(responses) do
    for _, item in ipairs(response.result or {}) do
      table.insert(result.titles, item.title)
      if item.title == wanted then
        action = item
      end
    end
  end
  if not action then
    return finish(false, 'no action ' .. wanted)
  end
  result.kind = action.kind
  step('listed')

  if not action.edit then
    local resolved = client:request_sync('codeAction/resolve', action, 60000, buf)
    if not resolved or resolved.err or not resolved.result then
      return finish(false, 'resolve failed: ' .. vim.inspect(resolved))
    end
    action = resolved.result
  end
  if not action.edit then
    return finish(false, 'resolved without an edit')
  end
  result.operations = #(action.edit.documentChanges or {})
  step('resolved')

  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  step('applied')
  vim.cmd('silent wall')
  step('written')
  finish(true, 'done')
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  finish(false, 'error: ' .. tostring(err))
end
