-- The SEND board's statistical neighbours and targets ([send_board] of the settings the
-- build recorded), as JSON. One row.
select send_board from settings
